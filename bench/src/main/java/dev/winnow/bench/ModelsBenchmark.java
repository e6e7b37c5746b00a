package dev.winnow.bench;

import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.testing.RealSentences;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encode throughput of the four bundled models ({@code minilm}, {@code minilm-q}, {@code bge-small},
 * {@code e5-small}) on short STS-B sentences and on 256-token SciFact abstracts, batch 32, plus single-query
 * latency, all in one JVM and one run so the ratios are comparable. Each model encodes passages through its
 * passage prompt, queries through its query prompt ({@link DjlEncoder#asDualEncoder()}).
 *
 * <p>{@code --data DIR} (../shared/data), {@code --short N} (256), {@code --long N} (64), {@code --repeats N} (3).
 * Prints a table, then one JSON line.
 */
public final class ModelsBenchmark {
  private ModelsBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path data = Path.of("../shared/data");
    int nShort = 256;
    int nLong = 64;
    int repeats = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--short" -> nShort = Integer.parseInt(args[++i]);
        case "--long" -> nLong = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --data DIR, --short N, --long N, --repeats N");
      }
    }
    List<String> sentences = RealSentences.load(data);
    List<String> shortTexts = sentences.subList(0, Math.min(nShort, sentences.size()));
    List<String> longTexts;
    try (DjlEncoder minilm = BundledModel.ALL_MINILM_L6_V2.open()) {
      longTexts = EncodeBenchmark.scifactPrefixes(data.resolve("scifact/corpus.jsonl"), nLong, 256, minilm);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    System.out.printf(Locale.ROOT, "%-10s %14s %16s %14s%n", "model", "short texts/s", "256-tok texts/s",
        "query p50 ms");
    for (Map.Entry<String, BundledModel> e : BundledModel.named().entrySet()) {
      try (DjlEncoder enc = DjlEncoder.builder(e.getValue().extract()).batchSize(32).build()) {
        var dual = enc.asDualEncoder();
        dual.encodePassages(shortTexts.subList(0, 32)); // warm-up
        double shortRate = 0;
        double longRate = 0;
        for (int r = 0; r < repeats; r++) {
          long t0 = System.nanoTime();
          dual.encodePassages(shortTexts);
          shortRate = Math.max(shortRate, shortTexts.size() / ((System.nanoTime() - t0) / 1e9));
          long t1 = System.nanoTime();
          dual.encodePassages(longTexts);
          longRate = Math.max(longRate, longTexts.size() / ((System.nanoTime() - t1) / 1e9));
        }
        List<Long> lat = new ArrayList<>();
        for (String q : shortTexts.subList(0, Math.min(100, shortTexts.size()))) {
          long t = System.nanoTime();
          dual.encodeQueries(List.of(q));
          lat.add(System.nanoTime() - t);
        }
        lat.sort(null);
        double p50 = lat.get(lat.size() / 2) / 1e6;
        System.out.printf(Locale.ROOT, "%-10s %14.1f %16.1f %14.2f%n", e.getKey(), shortRate, longRate, p50);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", e.getKey());
        row.put("short_texts_per_s", shortRate);
        row.put("long_texts_per_s", longRate);
        row.put("query_p50_ms", p50);
        rows.add(row);
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("short_texts", shortTexts.size());
    json.put("long_texts", longTexts.size());
    json.put("repeats", repeats);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("rows", rows);
    System.out.println(new com.google.gson.Gson().toJson(json));
  }
}
