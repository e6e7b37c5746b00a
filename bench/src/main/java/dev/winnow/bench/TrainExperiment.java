package dev.winnow.bench;

import dev.winnow.train.DualEncoderTrainer;
import dev.winnow.train.Presets;
import dev.winnow.train.RetrievalMetrics;
import dev.winnow.train.Tower;
import dev.winnow.train.TrainingPair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training experiments of docs/training.md on the NQ sample.
 *
 * <ul>
 *   <li>{@code finetune}: all-MiniLM-L6-v2 (shared tower) trained on rows 1-800, evaluated on rows 801-1000
 *       (each question against the 200 held-out answers) before training (zero-shot) and after each epoch.
 *   <li>{@code scratch}: the seed's from-scratch towers ({@link Presets#seedTower}, two towers) with the seed's
 *       settings ({@link Presets#seedTrainer}) on the first 300 rows for 10 epochs: the training loss per epoch.
 * </ul>
 *
 * Options: {@code --epochs N --max-length L --batch B --lr X --rows N --out DIR}. Prints a table and, last, one
 * JSON object.
 */
public final class TrainExperiment {
  private TrainExperiment() {}

  public static void main(String[] args) throws IOException {
    Path shared = Path.of(System.getProperty("winnow.shared", "../shared"));
    Path root = Path.of(System.getProperty("winnow.root", "."));
    String mode = args.length > 0 ? args[0] : "finetune";
    boolean scratch = mode.equals("scratch");
    if (!scratch && !mode.equals("finetune")) {
      throw new IllegalArgumentException("mode must be finetune or scratch, got " + mode);
    }
    int epochs = scratch ? 10 : 1;
    int maxLength = scratch ? 64 : 128;
    int batch = 32;
    float lr = scratch ? 1e-5f : 2e-5f;
    int rows = scratch ? 300 : 800;
    Path out = root.resolve("target/train-" + mode);
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--max-length" -> maxLength = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--lr" -> lr = Float.parseFloat(args[++i]);
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<TrainingPair> all = TrainingPair.readTsv(shared.resolve("data/nq_sample/nq_sample.utf8fixed.tsv"), true);
    List<TrainingPair> train = all.subList(0, rows);
    List<TrainingPair> dev = all.subList(800, 1000);
    System.out.println("NQ sample: " + train.size() + " training pairs, " + dev.size() + " dev pairs; "
        + MachineFacts.describe());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("experiment", mode);
    json.put("epochs", epochs);
    json.put("maxLength", maxLength);
    json.put("batchSize", batch);
    json.put("learningRate", lr);
    json.put("trainRows", rows);
    List<Map<String, Object>> perEpoch = new ArrayList<>();
    long start = System.nanoTime();
    if (scratch) {
      Path tokenizer = shared.resolve("models/all-MiniLM-L6-v2/tokenizer.json");
      try (Tower q = Presets.seedTower(tokenizer, 1); Tower a = Presets.seedTower(tokenizer, 2)) {
        System.out.println("towers: " + q);
        DualEncoderTrainer trainer = Presets.seedTrainer(q, a).epochs(epochs).batchSize(batch).learningRate(lr)
            .maxLength(maxLength).outputDir(out).epochEnd(e -> report(e, perEpoch)).build();
        RetrievalMetrics before = trainer.evaluate(dev);
        System.out.println("before training, dev: " + before);
        json.put("devBefore", before);
        trainer.train(train, dev);
      }
    } else {
      try (Tower minilm = Tower.load(shared.resolve("models/all-MiniLM-L6-v2"))) {
        DualEncoderTrainer trainer = DualEncoderTrainer.builder(minilm, minilm).epochs(epochs).batchSize(batch)
            .learningRate(lr).maxLength(maxLength).outputDir(out).epochEnd(e -> report(e, perEpoch)).build();
        RetrievalMetrics zero = trainer.evaluate(dev);
        System.out.println("zero-shot MiniLM, dev: " + zero);
        json.put("zeroShot", zero);
        trainer.train(train, dev);
      }
    }
    json.put("perEpoch", perEpoch);
    json.put("seconds", (System.nanoTime() - start) / 1e9);
    json.put("outputDir", out.toAbsolutePath().normalize().resolve("best").toString());
    System.out.println(BenchJson.of(json));
  }

  private static void report(DualEncoderTrainer.EpochStats e, List<Map<String, Object>> perEpoch) {
    System.out.printf(Locale.ROOT, "epoch %2d  mean loss %.4f  %.1f pairs/s  %.0f s  dev %s%n", e.epoch(),
        e.meanLoss(), e.examplesPerSecond(), e.seconds(), e.dev());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", e.epoch());
    m.put("meanLoss", e.meanLoss());
    m.put("pairsPerSecond", e.examplesPerSecond());
    m.put("dev", e.dev());
    perEpoch.add(m);
  }
}
