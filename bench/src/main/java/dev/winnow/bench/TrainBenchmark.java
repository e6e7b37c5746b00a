package dev.winnow.bench;

import dev.winnow.train.DualEncoderTrainer;
import dev.winnow.train.Tower;
import dev.winnow.train.TrainingPair;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training throughput of the Java BERT: all-MiniLM-L6-v2 fine-tuned as a shared tower with the in-batch
 * negatives loss on NQ sample pairs, batch 32, max length 64, AdamW, gradient clipping. Times each optimizer
 * step (tokenize, forward, loss, backward, clip, update) after warm-up steps and reports pairs/s and the
 * process's peak resident memory (VmHWM: the JVM plus libtorch). Writes the {@code train} section of
 * docs/benchmarks.md; the last stdout line is one JSON object.
 *
 * <p>Options: {@code --warmup N} (default 3), {@code --steps N} (default 12), {@code --batch B} (32),
 * {@code --max-length L} (64), {@code --out FILE|-} (docs/benchmarks.md; {@code -} writes nothing).
 */
public final class TrainBenchmark {
  private TrainBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path shared = Path.of(System.getProperty("winnow.shared", "../shared"));
    int warmup = 3;
    int steps = 12;
    int batch = 32;
    int maxLength = 64;
    Path out = root.resolve("docs/benchmarks.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--max-length" -> maxLength = Integer.parseInt(args[++i]);
        case "--out" -> out = args[++i].equals("-") ? null : Path.of(args[i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<TrainingPair> all = TrainingPair.readTsv(shared.resolve("data/nq_sample/nq_sample.utf8fixed.tsv"), true);
    int pairs = Math.min(all.size(), (warmup + steps) * batch);
    String facts = MachineFacts.describe();
    System.out.println("Training throughput: all-MiniLM-L6-v2 fine-tune, batch " + batch + ", max length "
        + maxLength + ", " + pairs + " NQ pairs");
    System.out.println(facts);
    List<Long> stamps = new ArrayList<>();
    List<Float> losses = new ArrayList<>();
    long start;
    try (Tower minilm = Tower.load(shared.resolve("models/all-MiniLM-L6-v2"))) {
      DualEncoderTrainer trainer = DualEncoderTrainer.builder(minilm, minilm).batchSize(batch).maxLength(maxLength)
          .learningRate(2e-5f).progress(p -> {
            stamps.add(System.nanoTime());
            losses.add(p.loss());
          }, 1).build();
      start = System.nanoTime();
      trainer.train(all.subList(0, pairs), List.of());
    }
    int n = stamps.size();
    if (n <= warmup) {
      throw new IllegalStateException("only " + n + " steps ran; lower --warmup");
    }
    double[] stepSeconds = new double[n - warmup];
    for (int i = warmup; i < n; i++) {
      stepSeconds[i - warmup] = (stamps.get(i) - (i == 0 ? start : stamps.get(i - 1))) / 1e9;
    }
    Stats s = Stats.of(stepSeconds);
    double[] rates = new double[stepSeconds.length];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = batch / stepSeconds[i];
    }
    Stats r = Stats.of(rates);
    long peakRss = MachineFacts.peakRssKb();
    long heapMax = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    String table = String.format(Locale.ROOT, """
        | measure | value |
        |---|---|
        | pairs/s, median over %d steps (min–max) | %s |
        | seconds per step (32 pairs: 64 texts), median (min–max) | %s |
        | peak resident memory (VmHWM: JVM + libtorch) | %.0f MiB |
        | JVM heap committed at the end | %.0f MiB |
        """, stepSeconds.length, r.format(1), s.format(2), peakRss / 1024.0, heapMax / (1024.0 * 1024));
    System.out.println(table);
    if (out != null) {
      String body = "## Training throughput: MiniLM fine-tune (Java BERT on DJL PyTorch, CPU)\n\n"
          + "Command (from the project root; no `mvn install` needed):\n\n```\n"
          + "mvn -B -q -pl bench -am package -DskipTests dependency:build-classpath"
          + " -Dmdep.outputFile=$PWD/target/bench.cp\n"
          + "java -cp bench/target/classes:$(cat target/bench.cp) \\\n  -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -DDJL_CACHE_DIR=cache/djl"
          + " -Dwinnow.shared=../shared -Dwinnow.root=. \\\n  dev.winnow.bench.TrainBenchmark\n```\n\n"
          + "Machine: " + facts + "\n\n"
          + "Work: all-MiniLM-L6-v2 (22.7M parameters) as one shared tower, in-batch negatives loss (scale 20),"
          + " AdamW, global gradient-norm clipping, batch " + batch + " pairs (" + 2 * batch + " texts), max length "
          + maxLength + " (NQ answers fill it; questions are about 10–15 word pieces), " + warmup
          + " warm-up steps excluded. libtorch uses its default intra-op threads (= cores). The machine is shared:"
          + " another build raising the load average slows libtorch's OpenMP threads sharply, so compare with the"
          + " load average above; the fastest step is the best estimate of an idle machine.\n\n" + table;
      MarkdownSection.write(out, "train", body);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "train");
    json.put("model", "all-MiniLM-L6-v2");
    json.put("batchSize", batch);
    json.put("maxLength", maxLength);
    json.put("steps", stepSeconds.length);
    json.put("pairsPerSecondMedian", r.median());
    json.put("pairsPerSecondMin", r.min());
    json.put("pairsPerSecondMax", r.max());
    json.put("secondsPerStepMedian", s.median());
    json.put("peakRssMiB", peakRss / 1024.0);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("finalLoss", losses.get(losses.size() - 1));
    System.out.println(BenchJson.of(json));
  }
}
