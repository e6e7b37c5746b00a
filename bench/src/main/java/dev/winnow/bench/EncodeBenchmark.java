package dev.winnow.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Encode throughput: Winnow's default encoder (all-MiniLM-L6-v2 ONNX through DJL) against LangChain4j's
 * in-process {@code AllMiniLmL6V2EmbeddingModel.embedAll} on the same real STS-B sentences, in one JVM, in
 * interleaved repeats. Rewrites the "encode" section of {@code docs/benchmarks.md}.
 *
 * <pre>
 * mvn -q -B install -DskipTests &amp;&amp; mvn -q -B -pl bench exec:java -Dexec.args="--repeats 5"
 * </pre>
 *
 * Options: {@code --data DIR} (default ../shared/data), {@code --texts N} (1000), {@code --repeats N} (5),
 * {@code --quick} (300 texts, 3 repeats), {@code --out FILE} (docs/benchmarks.md; "-" for none).
 */
public final class EncodeBenchmark {
  private EncodeBenchmark() {}

  interface Runner {
    void run(List<String> texts);
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path data = Path.of(System.getProperty("winnow.shared", "../shared")).resolve("data");
    int n = 1000;
    int repeats = 5;
    Path out = root.resolve("docs/benchmarks.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--texts" -> n = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--quick" -> {
          n = 300;
          repeats = 3;
        }
        case "--out" -> out = args[++i].equals("-") ? null : Path.of(args[++i - 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --data DIR, --texts N, --repeats N, --quick, --out FILE");
      }
    }
    if (n < 32 || repeats < 1) {
      throw new IllegalArgumentException("--texts must be >= 32 and --repeats >= 1");
    }
    List<String> texts = stsSentences(data.resolve("stsb/sts-test.csv"), n);
    String facts = MachineFacts.describe();
    System.out.println("Encode throughput, " + texts.size() + " STS-B test sentences, " + repeats + " repeats");
    System.out.println(facts);

    Path minilm = BundledModel.ALL_MINILM_L6_V2.extract();
    try (DjlEncoder winnow = DjlEncoder.open(minilm);
        DjlEncoder fewestBatches = DjlEncoder.builder(minilm).batchOverheadTokens(1_000_000).build()) {
      AllMiniLmL6V2EmbeddingModel lc4j = new AllMiniLmL6V2EmbeddingModel();
      checkSameVectors(winnow, lc4j, texts.subList(0, 32));
      double avgTokens = average(winnow.tokenCounts(texts));

      Map<String, Runner> runners = new LinkedHashMap<>();
      runners.put("Winnow, batch 1", t -> {
        for (String s : t) {
          winnow.encode(List.of(s));
        }
      });
      runners.put("LangChain4j embedAll, batch 1", t -> {
        for (String s : t) {
          lc4j.embedAll(List.of(TextSegment.from(s)));
        }
      });
      runners.put("Winnow, batch 32", t -> {
        for (int i = 0; i < t.size(); i += 32) {
          winnow.encode(t.subList(i, Math.min(t.size(), i + 32)));
        }
      });
      runners.put("LangChain4j embedAll, batch 32", t -> {
        for (int i = 0; i < t.size(); i += 32) {
          List<TextSegment> segments = new ArrayList<>();
          for (String s : t.subList(i, Math.min(t.size(), i + 32))) {
            segments.add(TextSegment.from(s));
          }
          lc4j.embedAll(segments);
        }
      });
      runners.put("Winnow, all texts in one call (batches of 32)", winnow::encode);
      runners.put("Winnow, batch 32, fewest batches (no padding-aware planning)", t -> {
        for (int i = 0; i < t.size(); i += 32) {
          fewestBatches.encode(t.subList(i, Math.min(t.size(), i + 32)));
        }
      });

      for (Runner r : runners.values()) { // warm-up
        r.run(texts.subList(0, Math.min(200, texts.size())));
      }
      Map<String, double[]> rates = new LinkedHashMap<>();
      runners.keySet().forEach(k -> rates.put(k, new double[0]));
      for (int rep = 0; rep < repeats; rep++) {
        for (Map.Entry<String, Runner> e : runners.entrySet()) {
          long t0 = System.nanoTime();
          e.getValue().run(texts);
          double seconds = (System.nanoTime() - t0) / 1e9;
          double[] old = rates.get(e.getKey());
          double[] grown = java.util.Arrays.copyOf(old, old.length + 1);
          grown[old.length] = texts.size() / seconds;
          rates.put(e.getKey(), grown);
          System.out.printf(Locale.ROOT, "  repeat %d  %-48s %8.1f texts/s%n", rep + 1, e.getKey(),
              grown[old.length]);
        }
      }

      double[] ratioB1 = ratios(rates.get("Winnow, batch 1"), rates.get("LangChain4j embedAll, batch 1"));
      double[] ratioB32 = ratios(rates.get("Winnow, batch 32"), rates.get("LangChain4j embedAll, batch 32"));
      double[] ratioAll = ratios(rates.get("Winnow, all texts in one call (batches of 32)"),
          rates.get("LangChain4j embedAll, batch 32"));

      StringBuilder table = new StringBuilder();
      table.append("| configuration | texts/s, median (min–max) |\n|---|---|\n");
      rates.forEach((k, v) -> table.append("| ").append(k).append(" | ").append(Stats.of(v).format(1)).append(" |\n"));
      table.append("\n| ratio (paired per repeat) | median (min–max) |\n|---|---|\n");
      table.append("| Winnow / LangChain4j, batch 1 | ").append(Stats.of(ratioB1).format(2)).append(" |\n");
      table.append("| Winnow / LangChain4j, batch 32 | ").append(Stats.of(ratioB32).format(2)).append(" |\n");
      table.append("| Winnow all-in-one-call / LangChain4j batch 32 | ").append(Stats.of(ratioAll).format(2))
          .append(" |\n");
      System.out.println();
      System.out.print(table);

      if (out != null) {
        String body = "## Encode throughput: Winnow default encoder vs LangChain4j\n\n"
            + "Command: `mvn -q -B install -DskipTests && mvn -q -B -pl bench exec:java -Dexec.args=\"--repeats "
            + repeats + (n != 1000 ? " --texts " + n : "") + "\"` (main class `dev.winnow.bench.EncodeBenchmark`)\n\n"
            + "Machine: " + facts + "\n\n"
            + String.format(Locale.ROOT, "Texts: the first %d distinct sentences of STS-B test (%.1f word pieces on"
                + " average, [CLS]/[SEP] included). Both sides run the same all-MiniLM-L6-v2 ONNX file in one JVM;"
                + " their vectors agree (checked on 32 texts, cosine ≥ 0.9999). Interleaved repeats after one"
                + " warm-up pass each; each repeat encodes all texts. Winnow: ONNX Runtime 1.21.1 via DJL 0.36,"
                + " intra-op threads = cores that sleep instead of spinning, inter-op 1, texts sorted by length and cut into"
                + " padding-aware batches of at most 32 (`batchOverheadTokens` 16); the fewest-batches row turns"
                + " that planning off."
                + " LangChain4j 1.19.0-beta29 `embedAll` (its default executor, one text per ONNX call).%n%n",
                texts.size(), avgTokens)
            + table
            + String.format(Locale.ROOT, "%nTarget (issue 2): ≥ 1.5× LangChain4j at batch 32. Measured: %.2f×"
                + " (paired median) — %s.%n", Stats.of(ratioB32).median(),
                Stats.of(ratioB32).median() >= 1.5 ? "met" : "NOT met");
        MarkdownSection.write(out, "encode", body);
        System.out.println("wrote " + out.toAbsolutePath().normalize());
      }

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("texts", texts.size());
      json.put("avg_tokens", avgTokens);
      json.put("repeats", repeats);
      Map<String, Object> medians = new LinkedHashMap<>();
      rates.forEach((k, v) -> medians.put(k, Stats.of(v)));
      json.put("texts_per_s", medians);
      json.put("ratio_batch1", Stats.of(ratioB1));
      json.put("ratio_batch32", Stats.of(ratioB32));
      json.put("ratio_all_vs_lc4j_batch32", Stats.of(ratioAll));
      System.out.println(BenchJson.of(json));
    }
  }

  static List<String> stsSentences(Path file, int n) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("STS-B file not found: " + file + " (pass --data DIR)");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", -1);
      if (f.length >= 7) {
        out.add(f[5]);
        if (out.size() < n) {
          out.add(f[6]);
        }
      }
      if (out.size() >= n) {
        break;
      }
    }
    if (out.size() < n) {
      throw new IllegalArgumentException(file + " has only " + out.size() + " distinct sentences, asked for " + n);
    }
    return new ArrayList<>(out);
  }

  static void checkSameVectors(DjlEncoder winnow, AllMiniLmL6V2EmbeddingModel lc4j, List<String> texts) {
    float[][] w = winnow.encode(texts);
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    List<Embedding> l = lc4j.embedAll(segments).content();
    for (int i = 0; i < texts.size(); i++) {
      double c = dev.winnow.Similarity.COSINE.score(w[i], l.get(i).vector());
      if (c < 0.9999) {
        throw new IllegalStateException("Winnow and LangChain4j disagree on text " + i + ": cosine " + c);
      }
    }
  }

  static double[] ratios(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  static double average(int[] v) {
    double s = 0;
    for (int x : v) {
      s += x;
    }
    return s / v.length;
  }
}
