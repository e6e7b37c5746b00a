package dev.winnow.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.Document;
import dev.winnow.Filter;
import dev.winnow.Hit;
import dev.winnow.IndexFormatException;
import dev.winnow.SearchOptions;
import dev.winnow.Similarity;
import dev.winnow.VectorIndex;
import dev.winnow.testing.Seeds;
import dev.winnow.testing.VectorIndexContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link ShardedVectorIndex} over three exact shards: the whole contract, exact, plus the sharded specifics. */
class ShardedVectorIndexTest extends VectorIndexContract {
  static final int SHARDS = 3;

  @Override
  protected VectorIndex create(int dimension, Similarity similarity) {
    return ShardedVectorIndex.of(IntStream.range(0, SHARDS)
        .mapToObj(i -> new FlatVectorIndex(dimension, similarity)).toList(), "fake-encoder");
  }

  @Override
  protected VectorIndex open(Path path) throws IOException {
    return ShardedVectorIndex.open(path);
  }

  @Override
  protected boolean isExact() {
    return true;
  }

  /** A sharded index saves a folder; its one file of its own is the manifest (shards have their own tests). */
  @Override
  protected Path damageable(Path saved) {
    return saved.resolve(ShardManifest.FILE_NAME);
  }

  @Test
  void aShardFileThatDisagreesWithTheManifestIsRefused() throws IOException {
    Path folder = tmp.resolve("good.shards");
    try (VectorIndex index = fill(create(8, Similarity.COSINE), clustered(new Random(2), 300, 8))) {
      index.save(folder);
    }
    Path shard0 = folder.resolve(ShardManifest.shardFileName(1, 0));
    Files.write(shard0, java.util.Arrays.copyOf(Files.readAllBytes(shard0), (int) Files.size(shard0) - 1));
    IndexFormatException e = assertThrows(IndexFormatException.class, () -> open(folder));
    assertTrue(e.getMessage().contains("the manifest says"), e.getMessage());
  }

  @Test
  void equalsOneExactIndexIdsAndScores() {
    long seed = Seeds.seed("shardedEqualsFlat");
    Random r = new Random(seed);
    float[][] v = clustered(r, 2000, DIM);
    try (VectorIndex one = fill(new FlatVectorIndex(DIM, Similarity.COSINE), v);
        ShardedVectorIndex sharded = ShardedVectorIndex.of(IntStream.range(0, 5)
            .mapToObj(i -> new FlatVectorIndex(DIM, Similarity.COSINE)).toList(), "")) {
      fill(sharded, v);
      for (int t = 0; t < 50; t++) {
        float[] q = clustered(r, 1, DIM)[0];
        SearchOptions o = t % 2 == 0 ? SearchOptions.DEFAULTS : SearchOptions.DEFAULTS.withFilter(Filter.eq("parity", "odd"));
        assertEquals(one.search(q, 10, o), sharded.search(q, 10, o), "query " + t + ", seed " + seed);
      }
    }
  }

  @Test
  void writesGoToTheOwningShardOnly() {
    List<FlatVectorIndex> shards = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      shards.add(new FlatVectorIndex(DIM, Similarity.EUCLIDEAN));
    }
    try (ShardedVectorIndex index = ShardedVectorIndex.of(shards, "")) {
      fill(index, clustered(new Random(5), 400, DIM));
      for (int i = 0; i < 400; i++) {
        String id = "doc-" + i;
        int owner = ShardManifest.shardOf(id, 4);
        for (int s = 0; s < 4; s++) {
          assertEquals(s == owner, shards.get(s).contains(id), id + " in shard " + s);
        }
      }
      int owner = ShardManifest.shardOf("doc-7", 4);
      int before = shards.get(owner).size();
      assertTrue(index.upsert(new Document("doc-7", "new"), new float[DIM]));
      assertEquals(before, shards.get(owner).size());
      assertEquals("new", shards.get(owner).get("doc-7").orElseThrow().text());
      assertTrue(index.delete("doc-7"));
      assertEquals(before - 1, shards.get(owner).size());
      assertEquals(399, index.size());
    }
  }

  @Test
  void aFilterFieldOnlySomeShardsHaveStillFiltersAndAnUnknownOneIsRejected() {
    try (ShardedVectorIndex index = (ShardedVectorIndex) create(DIM, Similarity.COSINE)) {
      fill(index, clustered(new Random(9), 60, DIM));
      float[] v = clustered(new Random(10), 1, DIM)[0];
      index.add(new Document("rare", "only one shard knows 'rare'", Map.of("rare", true)), v);
      List<Hit> hits = index.search(v, 5, SearchOptions.DEFAULTS.withFilter(
          Filter.or(Filter.eq("rare", true), Filter.eq("bucket", 3))));
      assertEquals(List.of("doc-3", "rare"), hits.stream().map(Hit::id).sorted().toList());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> index.search(v, 5, SearchOptions.DEFAULTS.withFilter(Filter.eq("nope", 1))));
      assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }
  }

  @Test
  void aFolderWithoutItsManifestIsNeverOpened() throws IOException {
    Path folder = tmp.resolve("half.shards");
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), clustered(new Random(3), 100, DIM))) {
      index.save(folder);
    }
    Files.delete(folder.resolve(ShardManifest.FILE_NAME));   // as a build killed before its commit
    IndexFormatException e = assertThrows(IndexFormatException.class, () -> ShardedVectorIndex.open(folder));
    assertTrue(e.getMessage().contains("shards.manifest is absent"), e.getMessage());
    assertThrows(IndexFormatException.class, () -> ShardedVectorIndex.open(tmp.resolve("nowhere")));
  }

  @Test
  void strayFilesAndOlderGenerationsAreIgnoredAndCleanedUp() throws IOException {
    Path folder = tmp.resolve("gens.shards");
    try (VectorIndex index = fill(create(DIM, Similarity.COSINE), clustered(new Random(4), 100, DIM))) {
      index.save(folder);
      Files.writeString(folder.resolve("g9-shard-00000.winnow.tmp-1"), "junk from a killed save");
      index.delete("doc-1");
      index.save(folder);
      assertEquals(2, ShardedVectorIndex.readManifest(folder).generation());
      assertFalse(Files.exists(folder.resolve(ShardManifest.shardFileName(1, 0))), "generation 1 deleted");
      try (ShardedVectorIndex back = ShardedVectorIndex.open(folder)) {
        assertEquals(99, back.size());
        assertEquals("fake-encoder", back.encoder());
        assertEquals(SHARDS, back.shardCount());
      }
    }
  }

  @Test
  void badShardListsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ShardedVectorIndex.of(List.of(), ""));
    try (FlatVectorIndex a = new FlatVectorIndex(4, Similarity.COSINE);
        FlatVectorIndex b = new FlatVectorIndex(5, Similarity.COSINE)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ShardedVectorIndex.of(List.of(a, b), ""));
      assertTrue(e.getMessage().contains("shards[1] is 5-d"), e.getMessage());
    }
  }

  @Test
  void aRetrieverUsesItUnchanged() {
    dev.winnow.testing.FakeEncoder encoder = new dev.winnow.testing.FakeEncoder(DIM);
    try (VectorIndex sharded = create(DIM, Similarity.COSINE);
        FlatVectorIndex one = new FlatVectorIndex(DIM, Similarity.COSINE);
        dev.winnow.Retriever a = dev.winnow.Retriever.builder().encoders(dev.winnow.DualEncoder.shared(encoder))
            .index(sharded).build();
        dev.winnow.Retriever b = dev.winnow.Retriever.builder().encoders(dev.winnow.DualEncoder.shared(encoder))
            .index(one).build()) {
      a.add(RetrieverTest.corpus(60));
      b.add(RetrieverTest.corpus(60));
      for (String q : List.of("passage number 8 x", "passage number 31", "anything at all")) {
        for (Filter f : java.util.Arrays.asList(null, Filter.eq("parity", "odd"))) {
          assertEquals(scores(f == null ? b.retrieve(q, 7) : b.retrieve(q, 7, f)),
              scores(f == null ? a.retrieve(q, 7) : a.retrieve(q, 7, f)), q + " / " + f);
        }
      }
      assertEquals("d8", a.retrieve("passage number 8 x", 1).results().get(0).id());
    }
  }

  private static List<String> scores(dev.winnow.Retrieval r) {
    return r.results().stream().map(s -> s.id() + "=" + s.score()).toList();
  }

  /** Known answers: the routing hash is part of the format and must never change. */
  @Test
  void shardOfIsStable() {
    assertEquals(0, ShardManifest.shardOf("anything", 1));
    int[] got = {ShardManifest.shardOf("doc-0", 8), ShardManifest.shardOf("doc-1", 8),
        ShardManifest.shardOf("31715818", 8), ShardManifest.shardOf("é", 1000)};
    assertEquals(java.util.Arrays.toString(KNOWN), java.util.Arrays.toString(got));
    assertThrows(IllegalArgumentException.class, () -> ShardManifest.shardOf("x", 0));
  }

  // computed independently (Python: FNV-1a 64 + MurmurHash3 fmix64, signed floor-mod)
  static final int[] KNOWN = {1, 6, 4, 427};
}
