package dev.winnow.bench;

import dev.winnow.eval.BeirDataset;
import dev.winnow.rerank.CrossEncoderReranker;
import dev.winnow.train.BertCrossEncoderReranker;
import dev.winnow.train.CrossEncoder;
import dev.winnow.train.CrossEncoderLoss;
import dev.winnow.train.CrossEncoderTrainer;
import dev.winnow.train.RerankExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput and peak memory of the Java cross-encoder (all-MiniLM-L6-v2 + head, float32, DJL PyTorch, CPU) at
 * sequence length 256, batch 16: (query, abstract) pairs from SciFact, every one cut at 256 tokens, so every
 * batch is 16 × 256. Inference: {@link BertCrossEncoderReranker#scorePairs}, 16 pairs per forward pass; peer
 * in the same run, interleaved: the shared int8 ONNX cross-encoder ({@link CrossEncoderReranker}, batch 16 and
 * its exact default, batch 1). Training: {@link CrossEncoderTrainer} steps of 4 queries × (1 positive + 3
 * negatives) = 16 pairs. Peak RSS: VmHWM of the whole process (JVM + libtorch + ONNX Runtime). Writes the
 * {@code cross-encoder} section of docs/benchmarks.md; options {@code --pairs N --rounds R --steps S --out F}.
 */
public final class CrossEncoderBenchmark {
  private CrossEncoderBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path shared = Path.of(System.getProperty("winnow.shared", "../shared"));
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path out = root.resolve("docs/benchmarks.md");
    int n = 64;
    int rounds = 3;
    int steps = 6;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pairs" -> n = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--out" -> out = args[++i].equals("-") ? null : Path.of(args[i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path sf = shared.resolve("data/scifact");
    BeirDataset data = BeirDataset.load(sf.resolve("corpus.jsonl"), sf.resolve("queries.jsonl"),
        sf.resolve("qrels/train.tsv"), false);
    List<String> queries = new ArrayList<>();
    List<String> passages = new ArrayList<>();
    List<String> qtext = new ArrayList<>(data.judgedQueries().values());
    int d = 0;
    while (passages.size() < n) {
      String text = data.corpus().get(d++).text();
      if (text.length() > 2000) { // comfortably above 256 word pieces: every pair is cut to 256
        queries.add(qtext.get(passages.size() % qtext.size()));
        passages.add(text);
      }
    }
    String facts = MachineFacts.describe();
    System.out.println("Cross-encoder throughput, " + n + " SciFact pairs cut at 256 tokens; " + facts);
    double[] java = new double[rounds];
    double[] int8b16 = new double[rounds];
    double[] int8b1 = new double[rounds];
    double[] train = new double[steps];
    try (CrossEncoder ce = CrossEncoder.load(shared.resolve("models/all-MiniLM-L6-v2"), 256, 42);
        BertCrossEncoderReranker javaCe = new BertCrossEncoderReranker(ce, 16);
        CrossEncoderReranker b16 = CrossEncoderReranker.builder(shared.resolve("models/minilm-l6-reranker"))
            .batchSize(16).build();
        CrossEncoderReranker b1 = CrossEncoderReranker.open(shared.resolve("models/minilm-l6-reranker"))) {
      javaCe.scorePairs(queries.subList(0, 16), passages.subList(0, 16)); // warm-up
      b16.scorePairs(queries.subList(0, 16), passages.subList(0, 16));
      b1.scorePairs(queries.subList(0, 4), passages.subList(0, 4));
      for (int r = 0; r < rounds; r++) {
        java[r] = rate(() -> javaCe.scorePairs(queries, passages), n);
        int8b16[r] = rate(() -> b16.scorePairs(queries, passages), n);
        int8b1[r] = rate(() -> b1.scorePairs(queries, passages), n);
        System.err.printf(Locale.ROOT, "round %d: java %.1f, int8 b16 %.1f, int8 b1 %.1f pairs/s%n", r, java[r],
            int8b16[r], int8b1[r]);
      }
      List<RerankExample> ex = new ArrayList<>();
      for (int e = 0; e < 4 * (steps + 1); e++) { // 4 examples per step, passages reused cyclically
        int i = e % n;
        ex.add(new RerankExample(queries.get(i), passages.get(i), List.of(passages.get((i + 1) % n),
            passages.get((i + 2) % n), passages.get((i + 3) % n))));
      }
      long[] last = {System.nanoTime()};
      int[] at = {0};
      CrossEncoderTrainer.builder(ce).loss(CrossEncoderLoss.LISTWISE_SOFTMAX).negatives(3).batchSize(4)
          .progress(p -> {
            long now = System.nanoTime();
            if (p.step() > 1 && at[0] < train.length) { // step 1 warms up
              train[at[0]++] = 16 / ((now - last[0]) / 1e9);
            }
            last[0] = now;
          }, 1).build().train(ex, List.of());
    }
    Stats sj = Stats.of(java);
    Stats s16 = Stats.of(int8b16);
    Stats s1 = Stats.of(int8b1);
    Stats st = Stats.of(train);
    double rss = MachineFacts.peakRssKb() / 1024.0;
    String body = String.format(Locale.ROOT, """
        ## Cross-encoder throughput: the Java (safetensors) cross-encoder vs the int8 ONNX fixture

        Command: `java -cp <bench classpath> dev.winnow.bench.CrossEncoderBenchmark` (main class
        `dev.winnow.bench.CrossEncoderBenchmark`). %s.

        %d SciFact (claim, abstract) pairs, every one cut at **256 tokens**; %d interleaved rounds, median
        (min–max). Java cross-encoder: all-MiniLM-L6-v2 with a classification head (float32, DJL PyTorch, CPU),
        `BertCrossEncoderReranker.scorePairs`, batch 16. Peer in the same run: the shared int8 ONNX cross-encoder
        `minilm-l6-reranker` through `CrossEncoderReranker.scorePairs` (ONNX Runtime).

        | what | pairs/s | vs int8 ONNX batch 16 |
        |---|---|---|
        | Java cross-encoder, inference, batch 16 × 256 | %s | %.2f× |
        | int8 ONNX cross-encoder, batch 16 × 256 | %s | 1.00× |
        | int8 ONNX cross-encoder, batch 1 (its exact default) | %s | %.2f× |
        | Java cross-encoder, training (listwise, 16 pairs per step: forward, backward, clip, AdamW) | %s | %.2f× |

        Peak resident memory of the whole process (VmHWM: JVM + libtorch + ONNX Runtime, both models loaded,
        training included): **%.0f MiB**. The machine is shared: other builds ran on the same 2 cores (load
        average above), so compare the ratios of this run, not absolute figures across runs.
        """, facts, n, rounds, sj.format(1), sj.median() / s16.median(), s16.format(1), s1.format(1),
        s1.median() / s16.median(), st.format(1), st.median() / s16.median(), rss);
    System.out.println(body);
    if (out != null) {
      MarkdownSection.write(out, "cross-encoder", body);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("pairs", n);
    json.put("javaInferencePairsPerSecond", sj.median());
    json.put("int8Batch16PairsPerSecond", s16.median());
    json.put("int8Batch1PairsPerSecond", s1.median());
    json.put("javaTrainingPairsPerSecond", st.median());
    json.put("peakRssMiB", rss);
    System.out.println(BenchJson.of(json));
  }

  private static double rate(Runnable r, int n) {
    long t0 = System.nanoTime();
    r.run();
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}
