package dev.winnow.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingParameter;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.embedding.response.EmbeddingResponseMetadata;
import dev.winnow.DualEncoder;
import dev.winnow.Encoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A LangChain4j {@link EmbeddingModel} over a Winnow {@link Encoder}, so Winnow's offline transformer models embed
 * for any LangChain4j component (ingestors, stores, content retrievers).
 *
 * <pre>{@code
 * try (DjlEncoder minilm = DjlEncoder.defaultModel()) {               // all-MiniLM-L6-v2, bundled, offline
 *   EmbeddingModel model = new WinnowEmbeddingModel(minilm);
 *   Embedding e = model.embed("What is the tallest mountain?").content();   // 384 floats
 * }
 * // a model with query and passage prompts (e5, bge): one LangChain4j model per side
 * try (DjlEncoder e5 = BundledModel.E5_SMALL_V2_Q.open()) {
 *   DualEncoder dual = e5.asDualEncoder();                               // "query: " / "passage: "
 *   EmbeddingModel queries = WinnowEmbeddingModel.queries(dual);
 *   EmbeddingModel passages = WinnowEmbeddingModel.passages(dual);
 * }
 * }</pre>
 *
 * <p>{@link #dimension()} is the encoder's dimension (no probe text is embedded) and {@link #modelName()} its
 * {@link Encoder#modelId()}. Over a {@link DualEncoder} the model encodes with its default side, and a request that
 * sets LangChain4j's {@link EmbeddingRequestParameters#INPUT_TYPE} picks the side per call ({@code QUERY} → query
 * encoder, {@code DOCUMENT} → passage encoder); over a single encoder both sides are that encoder. No other
 * per-call parameter is supported: LangChain4j rejects a request that sets one. Token usage is not reported.
 *
 * <p>Thread-safe when the encoder is (Winnow's are). Does not own the encoder: whoever created it closes it.
 */
public final class WinnowEmbeddingModel implements EmbeddingModel {
  private final DualEncoder encoders;
  private final EmbeddingInputType defaultSide;

  /** A model over one encoder (both sides). */
  public WinnowEmbeddingModel(Encoder encoder) {
    this(DualEncoder.shared(Objects.requireNonNull(encoder, "encoder")), EmbeddingInputType.DOCUMENT);
  }

  private WinnowEmbeddingModel(DualEncoder encoders, EmbeddingInputType defaultSide) {
    this.encoders = encoders;
    this.defaultSide = defaultSide;
  }

  /** A model that encodes with the query side of {@code encoders} unless a request asks for the other. */
  public static WinnowEmbeddingModel queries(DualEncoder encoders) {
    return new WinnowEmbeddingModel(Objects.requireNonNull(encoders, "encoders"), EmbeddingInputType.QUERY);
  }

  /** A model that encodes with the passage side of {@code encoders} unless a request asks for the other. */
  public static WinnowEmbeddingModel passages(DualEncoder encoders) {
    return new WinnowEmbeddingModel(Objects.requireNonNull(encoders, "encoders"), EmbeddingInputType.DOCUMENT);
  }

  /** The side used when a request does not set {@link EmbeddingRequestParameters#INPUT_TYPE}. */
  public EmbeddingInputType defaultInputType() {
    return defaultSide;
  }

  /** The encoder of the default side. */
  public Encoder encoder() {
    return side(defaultSide);
  }

  @Override
  public EmbeddingResponse doEmbed(EmbeddingRequest request) {
    EmbeddingInputType type = request.inputType();
    Encoder encoder = side(type == null ? defaultSide : type);
    List<String> texts = new ArrayList<>(request.inputs().size());
    for (EmbeddingInput input : request.inputs()) {
      texts.add(input.text());
    }
    float[][] vectors = encoder.encode(texts);
    List<Embedding> embeddings = new ArrayList<>(vectors.length);
    for (float[] v : vectors) {
      embeddings.add(Embedding.from(v));   // the encoder returns fresh arrays: ownership passes to the Embedding
    }
    return EmbeddingResponse.builder()
        .embeddings(embeddings)
        .metadata(EmbeddingResponseMetadata.builder().modelName(encoder.modelId()).build())
        .build();
  }

  @Override
  public Set<EmbeddingParameter<?>> supportedParameters() {
    return Set.of(EmbeddingRequestParameters.INPUT_TYPE);
  }

  @Override
  public int dimension() {
    return encoders.dimension();
  }

  @Override
  public String modelName() {
    return encoder().modelId();
  }

  private Encoder side(EmbeddingInputType type) {
    return type == EmbeddingInputType.QUERY ? encoders.queries() : encoders.passages();
  }

  @Override
  public String toString() {
    return "WinnowEmbeddingModel[" + defaultSide + ", " + encoder().modelId() + "]";
  }
}
