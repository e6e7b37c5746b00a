package dev.winnow.index;

import dev.winnow.Document;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Child JVM for {@link CrashSafeSaveIT}: applies generation after generation of a deterministic script to an
 * index and saves it to {@code args[0]} after each, printing {@code ACK <generation>} once the save has returned.
 * {@code args[1]} is "hnsw" or "flat", {@code args[2]} the script's seed. Runs until killed.
 *
 * <p>The script ({@link Script}) is replayed by the parent to know the exact state of every generation:
 * generation 0 adds {@value #FIRST} documents; each later one adds 50, upserts 10 and deletes 5, and records its
 * number in the document {@code "gen"}. Vectors are EUCLIDEAN, so the index stores them exactly as given.
 */
public final class SaveLoop {
  static final int DIM = 16;
  static final int FIRST = 1000;

  private SaveLoop() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    Script script = new Script(Long.parseLong(args[2]));
    try (VectorIndex index = args[1].equals("hnsw")
        ? HnswVectorIndex.builder(DIM, Similarity.EUCLIDEAN).m(8).efConstruction(32).build()
        : new FlatVectorIndex(DIM, Similarity.EUCLIDEAN)) {
      for (int g = 0; ; g++) {
        script.generation(g, index);
        index.save(path);
        System.out.println("ACK " + g);
        System.out.flush();
      }
    }
  }

  /** One document and its vector. */
  record Entry(Document document, float[] vector) {}

  /**
   * The deterministic edits of each generation, applied to an index (the child) and to a model map (both).
   * Generations must be applied in order from 0. Not thread-safe.
   */
  static final class Script {
    private final Random random;
    private final Map<String, Entry> model = new LinkedHashMap<>();
    private final List<String> live = new ArrayList<>();
    private int next;

    Script(long seed) {
      this.random = new Random(seed);
    }

    /** The model after the generations applied so far. */
    Map<String, Entry> model() {
      return model;
    }

    /** Applies generation {@code g} to the model and, when not null, to {@code index}. */
    void generation(int g, VectorIndex index) {
      int adds = g == 0 ? FIRST : 50;
      for (int i = 0; i < adds; i++) {
        put(index, "d" + next++, false);
      }
      if (g > 0) {
        for (int i = 0; i < 10; i++) {
          put(index, live.get(random.nextInt(live.size())), true);
        }
        for (int i = 0; i < 5; i++) {
          int at = random.nextInt(live.size());
          String id = live.get(at);
          live.set(at, live.get(live.size() - 1));
          live.remove(live.size() - 1);
          model.remove(id);
          if (index != null) {
            index.delete(id);
          }
        }
      }
      Entry gen = new Entry(new Document("gen", "generation " + g, Map.of("g", g)), vector());
      model.put("gen", gen);
      if (index != null) {
        index.upsert(gen.document(), gen.vector());
      }
    }

    private void put(VectorIndex index, String id, boolean existing) {
      Entry e = new Entry(new Document(id, "text of " + id + " " + random.nextInt(1000),
          Map.of("bucket", random.nextInt(10), "flag", random.nextBoolean())), vector());
      if (!existing) {
        live.add(id);
      }
      model.put(id, e);
      if (index != null) {
        if (existing) {
          index.upsert(e.document(), e.vector());
        } else {
          index.add(e.document(), e.vector());
        }
      }
    }

    private float[] vector() {
      float[] v = new float[DIM];
      for (int i = 0; i < DIM; i++) {
        v[i] = (float) random.nextGaussian();
      }
      return v;
    }
  }
}
