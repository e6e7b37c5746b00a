package dev.winnow.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved and reopened store keeps every segment (text and typed metadata), every id and every vector. */
class WinnowEmbeddingStoreSaveTest {
  private static final int DIM = 16;

  @TempDir
  Path dir;

  @Test
  void flatStoreKeepsEverySegmentAndItsMetadata() throws IOException {
    roundTrip(() -> new FlatVectorIndex(DIM, Similarity.COSINE), "flat");
  }

  @Test
  void hnswStoreKeepsEverySegmentAndItsMetadata() throws IOException {
    roundTrip(() -> HnswVectorIndex.builder(DIM, Similarity.COSINE).build(), "hnsw");
  }

  @Test
  void openingAMissingFolderFails() {
    assertThrows(IOException.class, () -> WinnowEmbeddingStore.open(dir.resolve("nothing-here")));
  }

  private void roundTrip(Supplier<VectorIndex> indexes, String name) throws IOException {
    Random r = new Random(13);
    Map<String, TextSegment> segments = new HashMap<>();
    Map<String, float[]> vectors = new HashMap<>();
    List<String> ids = new ArrayList<>();
    List<Embedding> embeddings = new ArrayList<>();
    List<TextSegment> embedded = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Metadata m = new Metadata()
          .put("string", "s" + i).put("empty", "").put("space", " ")
          .put("uuid", UUID.nameUUIDFromBytes(("u" + i).getBytes()))
          .put("int", i - 150).put("intMin", Integer.MIN_VALUE)
          .put("long", Long.MAX_VALUE - i).put("float", i / 7f).put("floatMin", Float.MIN_VALUE)
          .put("double", i / 3.0).put("doubleMin", Double.MIN_VALUE);
      if (i % 3 == 0) {
        m.put("sometimes", i);
      }
      TextSegment s = TextSegment.from("segment " + i + " \u00e9\uD83D\uDE00", m);
      String id = "id-" + i;
      float[] v = unit(r);
      ids.add(id);
      embeddings.add(Embedding.from(v));
      embedded.add(s);
      segments.put(id, s);
      vectors.put(id, v);
    }
    List<String> bare = new ArrayList<>();
    try (VectorIndex index = indexes.get()) {
      WinnowEmbeddingStore store = WinnowEmbeddingStore.of(index);
      store.addAll(ids, embeddings, embedded);
      for (int i = 0; i < 20; i++) {
        float[] v = unit(r);
        String id = store.add(Embedding.from(v));     // no segment
        bare.add(id);
        vectors.put(id, v);
      }
      store.remove("id-7");
      segments.remove("id-7");
      vectors.remove("id-7");
      store.save(dir.resolve(name));
    }
    try (WinnowEmbeddingStore again = WinnowEmbeddingStore.open(dir.resolve(name))) {
      assertEquals(319, again.size());
      List<EmbeddingMatch<TextSegment>> all = again.search(EmbeddingSearchRequest.builder()
          .queryEmbedding(Embedding.from(unit(r))).maxResults(1000).build()).matches();
      assertEquals(319, all.size(), name);
      for (EmbeddingMatch<TextSegment> m : all) {
        float[] expected = vectors.get(m.embeddingId());
        assertArrayEquals(expected, m.embedding().vector(), 1e-6f, m.embeddingId());
        if (bare.contains(m.embeddingId())) {
          assertNull(m.embedded(), m.embeddingId());
        } else {
          TextSegment s = segments.get(m.embeddingId());
          assertEquals(s, m.embedded(), m.embeddingId());   // text and metadata, types included (UUID stays UUID)
          assertEquals(s.metadata().getUUID("uuid"), m.embedded().metadata().getUUID("uuid"));
        }
      }
      // filters over the reopened store: the key registry is rebuilt from the saved documents
      assertEquals(100, again.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(unit(r)))
          .maxResults(1000).filter(dev.langchain4j.store.embedding.filter.MetadataFilterBuilder
              .metadataKey("sometimes").isGreaterThanOrEqualTo(0)).build()).matches().size());
      assertEquals(1, again.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(unit(r)))
          .maxResults(1000).filter(dev.langchain4j.store.embedding.filter.MetadataFilterBuilder
              .metadataKey("uuid").isEqualTo(UUID.nameUUIDFromBytes("u42".getBytes()))).build()).matches().size());
    }
  }

  private static float[] unit(Random r) {
    float[] v = new float[DIM];
    double n = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
