package dev.winnow.langchain4j.examples;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.rag.AugmentationRequest;
import dev.langchain4j.rag.AugmentationResult;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.langchain4j.WinnowEmbeddingModel;
import dev.winnow.langchain4j.WinnowEmbeddingStore;
import java.util.List;

/**
 * A small RAG flow with LangChain4j, offline, no LLM call: documents → LangChain4j's recursive splitter →
 * {@link WinnowEmbeddingModel} (Winnow's bundled all-MiniLM-L6-v2) → {@link WinnowEmbeddingStore} → LangChain4j's
 * {@code EmbeddingStoreContentRetriever} → {@code DefaultRetrievalAugmentor}, which injects the retrieved segments
 * into the user message; the augmented prompt is printed.
 *
 * <pre>
 * bench/run-module-main.sh langchain4j dev.winnow.langchain4j.examples.RagExample [question]
 * </pre>
 */
public final class RagExample {
  private RagExample() {}

  public static void main(String[] args) {
    String question = args.length > 0 ? String.join(" ", args) : "Which mountain is the tallest, and how tall is it?";
    System.out.println(prompt(question));
  }

  /** The augmented prompt for {@code question}. */
  public static String prompt(String question) {
    List<Document> documents = List.of(
        Document.from("Mount Everest, in the Mahalangur Himal of the Himalayas, is Earth's highest mountain above sea "
            + "level. Its elevation of 8,849 metres was most recently established in 2020 by Chinese and Nepali "
            + "authorities. The mountain attracts many climbers, including highly experienced mountaineers.",
            Metadata.from("source", "everest.txt")),
        Document.from("K2, at 8,611 metres above sea level, is the second-highest mountain on Earth, after Mount "
            + "Everest. It lies in the Karakoram range, partially in the Gilgit-Baltistan region of Pakistan.",
            Metadata.from("source", "k2.txt")),
        Document.from("Mount Shasta is a potentially active volcano at the southern end of the Cascade Range in "
            + "Siskiyou County, California. At an elevation of 4,322 metres, it is the second-highest peak in the "
            + "Cascades.", Metadata.from("source", "shasta.txt")),
        Document.from("Yoga is a group of physical, mental and spiritual practices which originated in ancient "
            + "India. A yoga class usually combines breathing, postures and meditation.",
            Metadata.from("source", "yoga.txt")));
    try (DjlEncoder minilm = DjlEncoder.defaultModel();
         WinnowEmbeddingStore store = WinnowEmbeddingStore.inMemory(minilm.dimension())) {
      WinnowEmbeddingModel model = new WinnowEmbeddingModel(minilm);
      EmbeddingStoreIngestor.builder()
          .documentSplitter(DocumentSplitters.recursive(200, 20))
          .embeddingModel(model)
          .embeddingStore(store)
          .build()
          .ingest(documents);
      RetrievalAugmentor augmentor = DefaultRetrievalAugmentor.builder()
          .contentRetriever(EmbeddingStoreContentRetriever.builder()
              .embeddingStore(store).embeddingModel(model).maxResults(2).minScore(0.6).build())
          .build();
      UserMessage user = UserMessage.from(question);
      AugmentationResult result = augmentor.augment(new AugmentationRequest(user,
          dev.langchain4j.rag.query.Metadata.from(user, "example", List.of())));
      return "store: " + store.size() + " segments from " + documents.size() + " documents; retrieved "
          + result.contents().size() + "\n\n" + ((UserMessage) result.chatMessage()).singleText();
    }
  }
}
