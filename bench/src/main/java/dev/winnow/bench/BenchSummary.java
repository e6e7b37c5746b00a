package dev.winnow.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the "summary" section at the top of {@code docs/benchmarks.md} from the last stdout line (one JSON
 * object) of each benchmark that {@code bench/run-all.sh} ran: every headline figure with its spread and its
 * ratio to the peer measured in the same run, the machine, and the exact commands. Prints the summary table, then
 * one JSON object as the last line.
 *
 * <pre>
 * java -cp ... dev.winnow.bench.BenchSummary RESULTS_DIR [--quick] [--out FILE]
 * </pre>
 *
 * RESULTS_DIR holds {@code encode.out}, {@code index.out}, {@code rerank.out}, {@code memory.out}, {@code micro.out}
 * (any may be missing: its rows are left out) and {@code timings.tsv} (step, seconds, exact command). Not
 * thread-safe (a main).
 */
public final class BenchSummary {
  private BenchSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: BenchSummary RESULTS_DIR [--quick] [--out FILE]");
    }
    Path dir = Path.of(args[0]);
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path out = root.resolve("docs/benchmarks.md");
    boolean quick = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = "-".equals(args[++i]) ? null : Path.of(args[i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<String[]> rows = new ArrayList<>();
    Map<String, Object> json = new LinkedHashMap<>();

    JsonObject enc = last(dir.resolve("encode.out"));
    if (enc != null) {
      JsonObject t = enc.getAsJsonObject("texts_per_s");
      JsonObject l = enc.getAsJsonObject("long").getAsJsonObject("texts_per_s");
      String shortLabel = String.format(Locale.ROOT, "%d STS-B sentences, %.0f tokens", enc.get("texts").getAsInt(),
          enc.get("avg_tokens").getAsDouble());
      String longLabel = String.format(Locale.ROOT, "%d SciFact abstracts, %.0f tokens",
          enc.getAsJsonObject("long").get("texts").getAsInt(), enc.getAsJsonObject("long").get("avg_tokens").getAsDouble());
      for (int b : new int[] {1, 32}) {
        rows.add(row("Encode texts/s, batch " + b + " (" + shortLabel + ")", stats(t, "Winnow, batch " + b),
            "LangChain4j embedAll", stats(t, "LangChain4j embedAll, batch " + b),
            stats(enc, "ratio_batch" + b)));
      }
      for (int b : new int[] {1, 32}) {
        String lc = "LangChain4j embedAll (truncates to 128), batch " + b;
        rows.add(row("Encode texts/s, batch " + b + " (" + longLabel + "), both truncated to 128",
            stats(l, "Winnow maxLength 128, batch " + b), "LangChain4j embedAll", stats(l, lc),
            stats(enc.getAsJsonObject("long"), "ratio_batch" + b)));
        rows.add(row("Encode texts/s, batch " + b + " (" + longLabel + "), Winnow embeds all tokens",
            stats(l, "Winnow, batch " + b), "LangChain4j embedAll (128 tokens)", stats(l, lc),
            stats(enc.getAsJsonObject("long"), "ratio_full_batch" + b)));
      }
      json.put("encode_ratio_batch32_short", enc.getAsJsonObject("ratio_batch32").get("median").getAsDouble());
      json.put("encode_ratio_batch32_long",
          enc.getAsJsonObject("long").getAsJsonObject("ratio_batch32").get("median").getAsDouble());
    }

    JsonObject idx = last(dir.resolve("index.out"));
    if (idx != null) {
      JsonObject set = idx.getAsJsonArray("sets").get(0).getAsJsonObject();
      String label = String.format(Locale.ROOT, "%,d real MiniLM vectors", set.get("n").getAsInt());
      JsonObject w = set.getAsJsonObject("winnow");
      JsonObject lu = set.getAsJsonObject("lucene");
      double wb = w.get("buildItemsPerS").getAsDouble();
      double lb = lu.get("buildItemsPerS").getAsDouble();
      rows.add(new String[] {"HNSW build items/s (" + label + "; one build each)",
          String.format(Locale.ROOT, "%.0f (%d threads)", wb, w.get("threads").getAsInt()), "Lucene 9.12 (1 thread)",
          String.format(Locale.ROOT, "%.0f", lb), String.format(Locale.ROOT, "%.2f", wb / lb)});
      JsonObject wp = firstAtRecall(w.getAsJsonArray("curve"), 0.98);
      JsonObject lp = firstAtRecall(lu.getAsJsonArray("curve"), 0.98);
      if (wp != null && lp != null) {
        rows.add(new String[] {"QPS at recall@10 ≥ 0.98, 1 thread (" + label + ")", point(wp), "Lucene 9.12 HNSW",
            point(lp), String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", wp.get("qps").getAsDouble() / lp.get("qps")
                .getAsDouble(), wp.get("qpsMin").getAsDouble() / lp.get("qpsMax").getAsDouble(),
                wp.get("qpsMax").getAsDouble() / lp.get("qpsMin").getAsDouble())});
        json.put("index_qps_ratio_at_098", wp.get("qps").getAsDouble() / lp.get("qps").getAsDouble());
      }
      JsonObject w100 = null;
      for (JsonElement e : w.getAsJsonArray("curve")) {
        if (e.getAsJsonObject().get("ef").getAsInt() == 100) {
          w100 = e.getAsJsonObject();
        }
      }
      double exact = set.getAsJsonObject("exact").get("qps").getAsDouble();
      if (w100 != null) {
        rows.add(new String[] {"QPS at default ef=100 (" + label + ")", point(w100), "exact (FlatVectorIndex)",
            String.format(Locale.ROOT, "%.0f (recall 1.0)", exact),
            String.format(Locale.ROOT, "%.1f", w100.get("qps").getAsDouble() / exact)});
      }
      json.put("index_build_ratio", wb / lb);
    }

    JsonObject rr = last(dir.resolve("rerank.out"));
    if (rr != null) {
      JsonObject pairs = rr.getAsJsonObject("rerank_pairs_per_s");
      for (String b : pairs.keySet()) {
        rows.add(new String[] {"Rerank pairs/s, batch " + b + " (WikiQA, int8 MiniLM-L6 cross-encoder)",
            fmt(pairs.getAsJsonObject(b), 1), "none in-process", "-", "-"});
      }
      JsonObject total = rr.getAsJsonObject("latency").getAsJsonObject("total");
      rows.add(new String[] {String.format(Locale.ROOT, "Two-stage query latency ms, p50 / p99 (%,d docs, %d queries)",
          rr.get("documents").getAsInt(), rr.get("queries").getAsInt()),
          String.format(Locale.ROOT, "%.1f / %.1f", total.get("p50_ms").getAsDouble(), total.get("p99_ms").getAsDouble()),
          "none in-process", "-", "-"});
      json.put("two_stage_p50_ms", total.get("p50_ms").getAsDouble());
    }

    JsonObject mem = last(dir.resolve("memory.out"));
    if (mem != null) {
      JsonObject ws = mem.getAsJsonObject("workloads");
      memRows(rows, ws, "encode-winnow", "encode-lc4j", "LangChain4j", "encode 1000 texts");
      memRows(rows, ws, "index-winnow", "index-lucene", "Lucene 9.12", "HNSW build, "
          + String.format(Locale.ROOT, "%,d", ws.getAsJsonObject("index-winnow").get("size").getAsInt()) + " vectors");
      JsonObject ts = ws.getAsJsonObject("two-stage");
      rows.add(new String[] {"Peak heap / RSS MiB, two-stage run (" + ts.get("size").getAsInt() + " queries)",
          String.format(Locale.ROOT, "%.0f / %.0f", mib(ts, "peak_heap"), mib(ts, "peak_rss")), "none", "-", "-"});
    }

    JsonObject micro = last(dir.resolve("micro.out"));
    if (micro != null) {
      JsonObject s = micro.getAsJsonObject("scores");
      JsonObject sp = micro.getAsJsonObject("vector_speedup");
      for (String op : List.of("dot", "cosine", "l2")) {
        JsonObject v = s.getAsJsonObject("DistanceBench." + op + "Vector");
        JsonObject sc = s.getAsJsonObject("DistanceBench." + op + "Scalar");
        if (v != null && sc != null) {
          rows.add(new String[] {"JMH " + op + ", 384-d, ns/op (± 99.9% CI)", jmh(v), "Winnow scalar kernel", jmh(sc),
              String.format(Locale.ROOT, "%.2f× faster (%s)", sp.getAsJsonObject(op).get("median").getAsDouble(),
                  MicroBenchmark.range(num(sp.getAsJsonObject(op), "min"), num(sp.getAsJsonObject(op), "max")))});
        }
      }
      for (String p : List.of("MEAN", "MAX", "CLS")) {
        JsonObject v = s.getAsJsonObject("PoolingBench.pool(" + p + ")");
        if (v != null) {
          rows.add(new String[] {"JMH pooling " + p + " + L2 norm, [32, 64, 384], µs/op", jmh(v), "none", "-", "-"});
        }
      }
    }

    StringBuilder table = new StringBuilder("| figure | Winnow, median (min–max) | peer in the same run | peer, median"
        + " (min–max) | Winnow / peer |\n|---|---|---|---|---|\n");
    for (String[] r : rows) {
      table.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    System.out.print(table);

    List<String[]> timings = new ArrayList<>();
    Path tf = dir.resolve("timings.tsv");
    if (Files.exists(tf)) {
      for (String line : Files.readAllLines(tf, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", 3);
        if (f.length == 3) {
          timings.add(f);
        }
      }
    }
    StringBuilder commands = new StringBuilder("| step | seconds | command |\n|---|---|---|\n");
    long totalS = 0;
    for (String[] t : timings) {
      commands.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | `").append(t[2]).append("` |\n");
      totalS += Long.parseLong(t[1].strip());
    }
    if (out != null) {
      String body = "## Summary\n\n"
          + "Written by `bench/run-all.sh" + (quick ? " --quick" : "") + "` (" + (quick ? "**quick mode**: smaller"
              + " sizes and fewer repeats; the full mode is `bench/run-all.sh`" : "full mode") + "), which rewrote"
          + " every section below in the same run" + (totalS > 0 ? ", in " + totalS + " s" : "") + ".\n\n"
          + "Machine, when this summary was written: " + MachineFacts.describe() + " (each section gives the load"
          + " when it started). The machine is a shared, noisy VM: compare the ratios, which pair figures measured in the same"
          + " run, rather than absolute figures across runs.\n\n"
          + table
          + "\nSpread: texts/s and pairs/s are medians (min–max) over repeats, encode ratios are paired per repeat;"
          + " QPS ranges are over timed passes and the QPS ratio range pairs the extremes; builds and memory are"
          + " single measurements (one fresh JVM per memory workload); JMH figures are ± the 99.9% confidence"
          + " half-width. Details, settings and caveats in each section.\n\n"
          + "Commands run (from the project root; `$CP` is the class path `bench/run-all.sh` builds, `$JAVA_FLAGS`"
          + " its JVM flags: `" + System.getProperty("winnow.javaFlags", "see bench/run-all.sh") + "`):\n\n"
          + commands;
      MarkdownSection.write(out, "summary", body);
      moveSummaryToTop(out);
      System.out.println("wrote " + out.toAbsolutePath().normalize());
    }
    json.put("mode", quick ? "quick" : "full");
    json.put("rows", rows.size());
    json.put("total_s", totalS);
    System.out.println(BenchJson.of(json));
  }

  private static void memRows(List<String[]> rows, JsonObject ws, String a, String b, String peer, String what) {
    JsonObject x = ws.getAsJsonObject(a);
    JsonObject y = ws.getAsJsonObject(b);
    rows.add(new String[] {"Peak heap MiB, " + what, String.format(Locale.ROOT, "%.0f", mib(x, "peak_heap")), peer,
        String.format(Locale.ROOT, "%.0f", mib(y, "peak_heap")),
        String.format(Locale.ROOT, "%.2f", mib(x, "peak_heap") / mib(y, "peak_heap"))});
    rows.add(new String[] {"Peak RSS MiB, " + what, String.format(Locale.ROOT, "%.0f", mib(x, "peak_rss")), peer,
        String.format(Locale.ROOT, "%.0f", mib(y, "peak_rss")),
        String.format(Locale.ROOT, "%.2f", mib(x, "peak_rss") / mib(y, "peak_rss"))});
  }

  /** Puts the summary section right after the title paragraph when MarkdownSection appended it at the end. */
  private static void moveSummaryToTop(Path file) throws IOException {
    String doc = Files.readString(file, StandardCharsets.UTF_8);
    int b = doc.indexOf("<!-- summary:begin -->");
    int e = doc.indexOf("<!-- summary:end -->") + "<!-- summary:end -->".length();
    int first = doc.indexOf("<!-- ");
    if (b <= first) {
      return;
    }
    String section = doc.substring(b, e);
    String rest = doc.substring(0, b).stripTrailing() + "\n" + doc.substring(e);
    doc = rest.substring(0, first) + section + "\n\n" + rest.substring(first);
    Files.writeString(file, doc, StandardCharsets.UTF_8);
  }

  private static JsonObject last(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        return JsonParser.parseString(lines.get(i)).getAsJsonObject();
      }
    }
    return null;
  }

  private static JsonObject firstAtRecall(JsonArray curve, double target) {
    for (JsonElement e : curve) {
      if (e.getAsJsonObject().get("recall").getAsDouble() >= target) {
        return e.getAsJsonObject();
      }
    }
    return null;
  }

  private static String point(JsonObject p) {
    return String.format(Locale.ROOT, "%.0f (%.0f–%.0f) at ef=%d, recall %.4f", p.get("qps").getAsDouble(),
        p.get("qpsMin").getAsDouble(), p.get("qpsMax").getAsDouble(), p.get("ef").getAsInt(),
        p.get("recall").getAsDouble());
  }

  private static JsonObject stats(JsonObject parent, String key) {
    return parent.getAsJsonObject(key);
  }

  private static String[] row(String figure, JsonObject winnow, String peer, JsonObject peerStats, JsonObject ratio) {
    return new String[] {figure, fmt(winnow, 1), peer, fmt(peerStats, 1), fmt(ratio, 2)};
  }

  private static String fmt(JsonObject s, int decimals) {
    return new Stats(s.get("median").getAsDouble(), s.get("min").getAsDouble(), s.get("max").getAsDouble(),
        s.get("n").getAsInt()).format(decimals);
  }

  private static String jmh(JsonObject s) {
    return String.format(Locale.ROOT, "%.2f ± %.2f", s.get("score").getAsDouble(), s.get("error").getAsDouble());
  }

  private static Double num(JsonObject j, String key) {
    return j.has(key) && !j.get(key).isJsonNull() ? j.get(key).getAsDouble() : null;
  }

  private static double mib(JsonObject j, String key) {
    return j.get(key).getAsDouble() / (1024.0 * 1024);
  }
}
