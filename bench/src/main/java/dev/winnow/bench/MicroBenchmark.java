package dev.winnow.bench;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH micro-benchmarks in {@code dev.winnow.bench.micro} (distance kernels, pooling) with short, fixed
 * settings and rewrites the "micro" section of {@code docs/benchmarks.md}: score ± the 99.9% confidence half-width
 * JMH reports, and the Vector-API/scalar ratio of each kernel. Prints a table, then one JSON object as the last
 * line. Needs the bench classpath with the JMH annotation processor's output (any {@code mvn -pl bench -am
 * package}); see {@code bench/run-all.sh}.
 *
 * <p>Options: {@code --quick} (1 warm-up iteration of 1 s + 5 measurement iterations of 0.5 s instead of
 * 3 + 5 of 1 s; one fork),
 * {@code --out FILE} ("-" for none). Not thread-safe (a main).
 */
public final class MicroBenchmark {
  private MicroBenchmark() {}

  /** "lo–hi", or "unbounded" when the confidence intervals do not bound the ratio. */
  static String range(Double lo, Double hi) {
    return lo == null || hi == null ? "unbounded" : String.format(Locale.ROOT, "%.2f–%.2f", lo, hi);
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path out = root.resolve("docs/benchmarks.md");
    int warmups = 3;
    int iterations = 5;
    int iterationMs = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> {
          warmups = 1;
          iterations = 5;
          iterationMs = 500;
        }
        case "--out" -> out = "-".equals(args[++i]) ? null : Path.of(args[i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; expected --quick, --out FILE");
      }
    }
    String facts = MachineFacts.describe();
    Options opts = new OptionsBuilder().include("dev\\.winnow\\.bench\\.micro\\..*").forks(1)
        .warmupIterations(warmups).warmupTime(TimeValue.seconds(1))
        .measurementIterations(iterations).measurementTime(TimeValue.milliseconds(iterationMs))
        .shouldFailOnError(true).build();
    Collection<RunResult> results = new Runner(opts).run();

    Map<String, Result<?>> byName = new LinkedHashMap<>();
    for (RunResult rr : results) {
      String name = rr.getParams().getBenchmark().replaceFirst("^dev\\.winnow\\.bench\\.micro\\.", "");
      String pooling = rr.getParams().getParam("pooling");
      String kernel = rr.getParams().getParam("kernel");
      if (kernel != null) {
        name = name + ("scalar".equals(kernel) ? "Scalar" : "Vector"); // DistanceBench.dot + kernel=scalar -> dotScalar
      }
      byName.put(pooling == null ? name : name + "(" + pooling + ")", rr.getPrimaryResult());
    }
    StringBuilder table = new StringBuilder("| benchmark | score ± 99.9% CI | unit |\n|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> scores = new LinkedHashMap<>();
    byName.forEach((k, r) -> {
      table.append(String.format(Locale.ROOT, "| %s | %.2f ± %.2f | %s |%n", k, r.getScore(), r.getScoreError(),
          r.getScoreUnit()));
      scores.put(k, Map.of("score", r.getScore(), "error", r.getScoreError(), "unit", r.getScoreUnit()));
    });
    table.append("\n| kernel (384-d) | scalar / Vector API time (speed-up) |\n|---|---|\n");
    Map<String, Object> speedups = new LinkedHashMap<>();
    for (String op : List.of("dot", "cosine", "l2")) {
      Result<?> s = byName.get("DistanceBench." + op + "Scalar");
      Result<?> v = byName.get("DistanceBench." + op + "Vector");
      if (s != null && v != null) {
        double ratio = s.getScore() / v.getScore();
        // the ratio's range from the two confidence intervals; unbounded when an interval reaches 0
        boolean bounded = s.getScore() > s.getScoreError() && v.getScore() > v.getScoreError();
        Double lo = bounded ? (s.getScore() - s.getScoreError()) / (v.getScore() + v.getScoreError()) : null;
        Double hi = bounded ? (s.getScore() + s.getScoreError()) / (v.getScore() - v.getScoreError()) : null;
        table.append(String.format(Locale.ROOT, "| %s | %.2f× (%s) |%n", op, ratio, range(lo, hi)));
        Map<String, Object> sp = new LinkedHashMap<>();
        sp.put("median", ratio);
        sp.put("min", lo);
        sp.put("max", hi);
        speedups.put(op, sp);
      }
    }
    System.out.println();
    System.out.print(table);
    if (out != null) {
      String body = "## Micro-benchmarks (JMH 1.37)\n\n"
          + "Command: `bench/run-all.sh" + (warmups == 1 ? " --quick" : "") + "` (main class"
          + " `dev.winnow.bench.MicroBenchmark`, benchmarks in `dev.winnow.bench.micro`)\n\n"
          + "Machine: " + facts + "\n\n"
          + String.format(Locale.ROOT, "Mode: %s — 1 fork, %d warm-up iterations of 1 s and %d measurement iterations of %d ms, average"
              + " time per call; ± is JMH's 99.9%% confidence half-width. Distance kernels: the index module's"
              + " `VectorOps` on 384-d float vectors (64 rotating random pairs), scalar kernel vs the active kernel in"
              + " a fork with `--add-modules jdk.incubator.vector` (the Vector API kernel); cosine is on raw vectors"
              + " (3 dot products; the index itself stores unit vectors and uses one dot product). Pooling: the"
              + " encoder's `Pooler` over a [32, 64, 384] hidden state (row lengths 8–64), L2-normalized.%n%n",
              warmups == 1 ? "quick" : "full", warmups, iterations, iterationMs)
          + table
          + "\nSpeed-up ranges combine the two confidence intervals (worst and best case); \"unbounded\" when an"
          + " interval reaches zero, which on this shared machine means the run was too noisy to bound it.\n";
      MarkdownSection.write(out, "micro", body);
      System.out.println("wrote " + out.toAbsolutePath().normalize());
    }
    json.put("mode", warmups == 1 ? "quick" : "full");
    json.put("warmups", warmups);
    json.put("iterations", iterations);
    json.put("scores", scores);
    json.put("vector_speedup", speedups);
    System.out.println(BenchJson.of(json));
  }
}
