package dev.winnow.springai;

import dev.winnow.DualEncoder;
import dev.winnow.Encoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

/**
 * A Spring AI {@link EmbeddingModel} over Winnow's encoders: documents are encoded with the passage side of a
 * {@link DualEncoder}, and {@link #embedQuery} with its query side ({@link WinnowVectorStore} uses it for
 * searches, so models with query/passage prompts such as e5 and bge work as trained).
 *
 * <pre>{@code
 * try (DjlEncoder minilm = DjlEncoder.defaultModel()) {           // all-MiniLM-L6-v2, bundled, offline
 *   EmbeddingModel model = new WinnowEmbeddingModel(minilm.asDualEncoder());
 *   float[] v = model.embed("What is the tallest mountain?");     // 384 floats
 * }
 * }</pre>
 *
 * <p>{@link #dimensions()} is the encoder's dimension (no probe text is embedded). A request's
 * {@link EmbeddingOptions} may name this model ({@link Encoder#modelId()} of the passage side) and its dimension;
 * any other model or dimension is refused with {@link IllegalArgumentException} rather than ignored. Usage is not
 * reported.
 *
 * <p>Thread-safe when the encoders are (Winnow's are). Does not own the encoders.
 */
public final class WinnowEmbeddingModel implements EmbeddingModel {
  private final DualEncoder encoders;

  public WinnowEmbeddingModel(DualEncoder encoders) {
    this.encoders = Objects.requireNonNull(encoders, "encoders");
  }

  /** A model over one encoder for both sides. */
  public static WinnowEmbeddingModel of(Encoder encoder) {
    return new WinnowEmbeddingModel(DualEncoder.shared(Objects.requireNonNull(encoder, "encoder")));
  }

  /** The encoders. */
  public DualEncoder encoders() {
    return encoders;
  }

  @Override
  public EmbeddingResponse call(EmbeddingRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("request is null");
    }
    EmbeddingOptions o = request.getOptions();
    if (o != null) {
      if (o.getModel() != null && !o.getModel().equals(encoders.passages().modelId())) {
        throw new IllegalArgumentException("options.model '" + o.getModel() + "' is not this model ("
            + encoders.passages().modelId() + ")");
      }
      if (o.getDimensions() != null && o.getDimensions() != encoders.dimension()) {
        throw new IllegalArgumentException("options.dimensions " + o.getDimensions() + " != the model's dimension "
            + encoders.dimension());
      }
    }
    float[][] vectors = encoders.encodePassages(request.getInstructions());
    List<Embedding> out = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      out.add(new Embedding(vectors[i], i));
    }
    return new EmbeddingResponse(out, new EmbeddingResponseMetadata(encoders.passages().modelId(), null));
  }

  @Override
  public float[] embed(Document document) {
    if (document == null || document.getText() == null) {
      throw new IllegalArgumentException(document == null ? "document is null" : "document " + document.getId()
          + " has no text");
    }
    return encoders.encodePassages(List.of(document.getText()))[0];
  }

  /** Encodes a search query with the query side. */
  public float[] embedQuery(String query) {
    if (query == null) {
      throw new IllegalArgumentException("query is null");
    }
    return encoders.encodeQueries(List.of(query))[0];
  }

  @Override
  public int dimensions() {
    return encoders.dimension();
  }

  @Override
  public String toString() {
    return "WinnowEmbeddingModel[" + encoders.passages().modelId() + "]";
  }
}
