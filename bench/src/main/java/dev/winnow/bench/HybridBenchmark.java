package dev.winnow.bench;

import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retriever;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.eval.BeirDataset;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.HnswVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.keyword.LuceneKeywordIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Query latency of the Retriever's modes on BEIR SciFact (5,183 abstracts, the 809 train claims) with
 * all-MiniLM-L6-v2, an HNSW index and Lucene BM25, no reranker: per query, dense, keyword, hybrid RRF, hybrid
 * linear and hybrid + MMR run back to back (interleaved, so machine noise hits every mode alike), after a
 * warm-up pass. Reports p50/p99 of the whole retrieve call and of the keyword search alone, and hybrid's p50
 * as a ratio of dense's. The encoded retriever is cached in {@code cache/bench/scifact-minilm-hnsw}.
 * Rewrites the "hybrid" section of {@code docs/benchmarks.md} unless {@code --out -}.
 *
 * <p>{@code --data DIR} (../shared/data), {@code --repeats N} (2 passes over the queries), {@code --out FILE},
 * {@code --retriever DIR} (a saved MiniLM SciFact retriever to use instead, e.g. {@code cache/eval/scifact-minilm}).
 */
public final class HybridBenchmark {
  private HybridBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(System.getProperty("winnow.root", ".")).toAbsolutePath();
    Path data = Path.of(System.getProperty("winnow.shared", "../shared")).resolve("data");
    int repeats = 2;
    String out = root.resolve("docs/benchmarks.md").toString();
    Path cachedArg = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--out" -> out = args[++i];
        case "--retriever" -> cachedArg = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --data DIR, --repeats N, --out FILE");
      }
    }
    Path s = data.resolve("scifact");
    BeirDataset d = BeirDataset.load(s.resolve("corpus.jsonl"), s.resolve("queries.jsonl"),
        s.resolve("qrels/train.tsv"), false);
    List<String> queries = new ArrayList<>(d.judgedQueries().values());
    Path cached = cachedArg != null ? cachedArg : root.resolve("cache/bench/scifact-minilm-hnsw");
    Map<String, RetrieveOptions> modes = new LinkedHashMap<>();
    modes.put("dense", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.DENSE));
    modes.put("keyword", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD));
    modes.put("hybrid rrf:60", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)
        .withFusion(dev.winnow.Fusion.rrf()));
    modes.put("hybrid " + Retriever.DEFAULT_FUSION + " (default)", RetrieveOptions.DEFAULTS
        .withMode(RetrievalMode.HYBRID).withFusion(Retriever.DEFAULT_FUSION));
    modes.put("hybrid default + mmr 0.7", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)
        .withFusion(Retriever.DEFAULT_FUSION).withMmr(0.7));
    try (DjlEncoder encoder = BundledModel.ALL_MINILM_L6_V2.open()) {
      if (!Files.isRegularFile(cached.resolve(Retriever.MANIFEST))) {
        System.err.println("encoding SciFact once into " + cached + " ...");
        try (HnswVectorIndex index = HnswVectorIndex.builder(encoder.dimension(), encoder.similarity()).build();
            LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build();
            Retriever r = Retriever.builder().encoders(encoder.asDualEncoder()).index(index).keywordIndex(keyword)
                .build()) {
          r.add(d.corpus());
          r.save(cached);
        }
      }
      try (Retriever r = Retriever.opener(cached).encoders(encoder.asDualEncoder()).vectorIndex(VectorIndexes::open)
          .keywordIndex(LuceneKeywordIndex::open).open()) {
        Map<String, List<Double>> total = new LinkedHashMap<>();
        Map<String, List<Double>> keywordOnly = new LinkedHashMap<>();
        modes.keySet().forEach(m -> {
          total.put(m, new ArrayList<>());
          keywordOnly.put(m, new ArrayList<>());
        });
        for (int pass = -1; pass < repeats; pass++) { // pass -1 warms up
          for (String q : queries) {
            for (Map.Entry<String, RetrieveOptions> m : modes.entrySet()) {
              var t = r.retrieve(q, 10, m.getValue()).timings();
              if (pass >= 0) {
                total.get(m.getKey()).add(t.totalNanos() / 1e6);
                keywordOnly.get(m.getKey()).add(t.keywordSearchNanos() / 1e6);
              }
            }
          }
        }
        StringBuilder md = new StringBuilder();
        md.append("## Hybrid retrieval latency (generated by HybridBenchmark)\n\n");
        md.append(String.format(Locale.ROOT, "BEIR SciFact: %d abstracts, %d train claims x %d passes, k = 10, depth"
            + " 100 per side, all-MiniLM-L6-v2 (query encoding included) and Lucene"
            + " BM25, no reranker; modes interleaved per query. %s. Command: `mvn -q -B -pl bench exec:java"
            + " -Dexec.mainClass=dev.winnow.bench.HybridBenchmark`. Vector index: %s.%n%n", d.corpus().size(),
            queries.size(), repeats, MachineFacts.describe(), r.index().getClass().getSimpleName()));
        md.append("| mode | p50 ms | p99 ms | keyword search p50 ms | keyword search p99 ms | p50 / dense p50 |\n");
        md.append("|---|---|---|---|---|---|\n");
        double denseP50 = pct(total.get("dense"), 0.5);
        Map<String, Object> json = new LinkedHashMap<>();
        for (String m : modes.keySet()) {
          double[] st = {pct(total.get(m), 0.5), pct(total.get(m), 0.99)};
          double[] kw = {pct(keywordOnly.get(m), 0.5), pct(keywordOnly.get(m), 0.99)};
          boolean hasKw = !m.equals("dense");
          md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %s | %s | %.2f |%n", m, st[0], st[1],
              hasKw ? String.format(Locale.ROOT, "%.2f", kw[0]) : "-",
              hasKw ? String.format(Locale.ROOT, "%.2f", kw[1]) : "-", st[0] / denseP50));
          String key = m.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", "");
          json.put(key + "_p50_ms", st[0]);
          json.put(key + "_p99_ms", st[1]);
          if (hasKw) {
            json.put(key + "_keyword_p50_ms", kw[0]);
          }
        }
        System.out.print(md);
        if (!out.equals("-")) {
          MarkdownSection.write(Path.of(out), "hybrid", md.toString());
        }
        System.out.println(new com.google.gson.Gson().toJson(json));
      }
    }
  }

  private static double pct(List<Double> values, double q) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v[Math.max(0, Math.min(v.length - 1, (int) Math.ceil(q * v.length) - 1))];
  }
}
