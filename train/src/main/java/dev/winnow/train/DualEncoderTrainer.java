package dev.winnow.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.winnow.encoders.runtime.AtomicDirectory;
import dev.winnow.train.internal.DualEncoderBlock;
import dev.winnow.train.internal.NoDuplicateBatches;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a dual encoder (a question tower and an answer tower, or one shared tower) with the in-batch
 * negatives loss ({@link InBatchNegativesLoss}) on DJL's PyTorch engine.
 *
 * <pre>{@code
 * try (Tower minilm = Tower.load(Path.of("../shared/models/all-MiniLM-L6-v2"))) {
 *   DualEncoderTrainer trainer = DualEncoderTrainer.builder(minilm, minilm)   // shared tower
 *       .epochs(1).batchSize(32).learningRate(2e-5f).maxLength(64)
 *       .outputDir(Path.of("target/nq-minilm")).progress(System.out::println).build();
 *   DualEncoderTrainer.Result r = trainer.train(trainPairs, devPairs);   // best model in target/nq-minilm/best
 * }
 * }</pre>
 *
 * <p>Each epoch: pairs are shuffled (seeded) into batches where no text appears twice; each step runs both
 * towers, the loss, backward, clips the global gradient norm, and updates with AdamW (or Adam) under a linear
 * warm-up/decay schedule ({@link LinearWarmupDecay}). After each epoch the dev split is evaluated
 * ({@link RetrievalMetrics}: each dev question against all distinct dev answers), the towers are saved to
 * {@code outputDir/last}, and to {@code outputDir/best} when MRR@10 improved (training loss when there is no
 * dev split). A shared tower is saved as one sentence-transformers directory; separate towers as
 * {@code query/} and {@code answer/} subdirectories (open them with {@link BertEncoder#openDual(Path)}).
 *
 * <p>Not thread-safe: one thread trains; the towers must not be used elsewhere meanwhile. The trainer does not
 * own the towers: the caller closes them.
 */
public final class DualEncoderTrainer {
  /** Which optimizer updates the weights. */
  public enum OptimizerKind {
    /** Adam with decoupled weight decay (Loshchilov and Hutter), the usual choice for fine-tuning. */
    ADAMW,
    /** Plain Adam, weight decay added to the gradient (the seed's choice). */
    ADAM
  }

  /** A training step's report. */
  public record Progress(int epoch, int step, int steps, float loss, double examplesPerSecond,
      float learningRate, double gradientNorm) {
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "epoch %d step %d/%d loss %.4f %.1f pairs/s lr %.2e |g| %.3f",
          epoch, step, steps, loss, examplesPerSecond, learningRate, gradientNorm);
    }
  }

  /**
   * One epoch's summary.
   *
   * @param meanLoss mean training loss over the epoch's steps
   * @param losses the loss of every step
   * @param dev dev metrics after the epoch, or null without a dev split
   */
  public record EpochStats(int epoch, double meanLoss, List<Float> losses, double examplesPerSecond,
      double seconds, RetrievalMetrics dev) {}

  /** The outcome: per-epoch statistics and the best epoch (1-based; by dev MRR@10, else training loss). */
  public record Result(List<EpochStats> epochs, int bestEpoch, Path bestDir) {}

  private final Builder b;
  private double lastNorm = Double.NaN;

  private DualEncoderTrainer(Builder b) {
    this.b = b;
  }

  /** A trainer for two towers; pass the same tower twice to share it. The caller keeps ownership. */
  public static Builder builder(Tower questions, Tower answers) {
    if (questions == null || answers == null) {
      throw new IllegalArgumentException((questions == null ? "questions" : "answers") + " tower is null");
    }
    if (questions.dimension() != answers.dimension()) {
      throw new IllegalArgumentException("question tower dimension " + questions.dimension()
          + " != answer tower dimension " + answers.dimension());
    }
    return new Builder(questions, answers);
  }

  /**
   * Trains for the configured epochs.
   *
   * @param train the training pairs (at least 2 distinct answers)
   * @param dev dev pairs to evaluate after each epoch, or an empty list
   * @throws IllegalArgumentException if train is too small, or only some pairs have hard negatives
   */
  public Result train(List<TrainingPair> train, List<TrainingPair> dev) throws IOException {
    if (train == null || train.size() < 2) {
      throw new IllegalArgumentException("train needs at least 2 pairs, got " + (train == null ? null : train.size()));
    }
    if (dev == null) {
      throw new IllegalArgumentException("dev is null (pass an empty list for no evaluation)");
    }
    long withNeg = train.stream().filter(p -> p.hardNegative() != null).count();
    if (withNeg != 0 && withNeg != train.size()) {
      throw new IllegalArgumentException("hard negatives: either every training pair has one or none does; "
          + withNeg + " of " + train.size() + " have one");
    }
    Random random = new Random(b.seed);
    Engine.getEngine("PyTorch").setRandomSeed((int) b.seed);
    int stepsPerEpoch = NoDuplicateBatches.plan(train, b.batchSize, new Random(b.seed)).size();
    int total = Math.max(1, stepsPerEpoch * b.epochs);
    int warmup = b.warmupSteps >= 0 ? Math.min(b.warmupSteps, total) : Math.round(b.warmupRatio * total);
    LinearWarmupDecay schedule = new LinearWarmupDecay(b.learningRate, warmup, total, b.decay);
    Optimizer optimizer = b.optimizer == OptimizerKind.ADAMW
        ? Optimizer.adamW().optLearningRateTracker(schedule).optWeightDecays(b.weightDecay).build()
        : Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(b.weightDecay).build();
    InBatchNegativesLoss loss = new InBatchNegativesLoss(b.scale(), b.symmetric);
    Device device = b.questions.manager().getDevice();
    List<EpochStats> epochs = new ArrayList<>();
    double bestScore = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    int step = 0;
    try (Model model = Model.newInstance("dual-encoder", device, "PyTorch")) {
      DualEncoderBlock block = new DualEncoderBlock(b.questions.block(), b.answers.block());
      model.setBlock(block);
      DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(optimizer)
          .optDevices(new Device[] {device});
      List<Parameter> params = uniqueParameters(block);
      try (Trainer trainer = model.newTrainer(config)) {
        for (int epoch = 1; epoch <= b.epochs; epoch++) {
          List<int[]> batches = NoDuplicateBatches.plan(train, b.batchSize, random);
          List<Float> losses = new ArrayList<>();
          long start = System.nanoTime();
          long examples = 0;
          for (int[] batch : batches) {
            step++;
            float value = step(trainer, loss, params, train, batch);
            double norm = lastNorm;
            losses.add(value);
            examples += batch.length;
            double seconds = (System.nanoTime() - start) / 1e9;
            if (step % b.logEvery == 0 || step == total) {
              b.progress.accept(new Progress(epoch, step, total, value, examples / seconds,
                  schedule.getNewValue(step), norm));
            }
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          double mean = losses.stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
          RetrievalMetrics metrics = dev.isEmpty() ? null : evaluate(dev);
          EpochStats stats = new EpochStats(epoch, mean, List.copyOf(losses), examples / seconds, seconds,
              metrics);
          epochs.add(stats);
          b.epochEnd.accept(stats);
          double score = metrics != null ? metrics.mrrAt10() : -mean;
          boolean better = score > bestScore;
          if (better) {
            bestScore = score;
            bestEpoch = epoch;
          }
          if (b.outputDir != null) {
            save(b.outputDir.resolve("last"));
            if (better) {
              save(b.outputDir.resolve("best"));
            }
          }
        }
      }
    }
    return new Result(List.copyOf(epochs), bestEpoch, b.outputDir == null ? null : b.outputDir.resolve("best"));
  }

  /**
   * Retrieval metrics of the current towers on {@code dev}: each question against all distinct dev answers.
   */
  public RetrievalMetrics evaluate(List<TrainingPair> dev) {
    Map<String, Integer> index = new LinkedHashMap<>();
    int[] gold = new int[dev.size()];
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < dev.size(); i++) {
      gold[i] = index.computeIfAbsent(dev.get(i).answer(), k -> index.size());
      questions.add(dev.get(i).question());
    }
    float[][] q = b.questions.encode(questions, 64);
    float[][] a = b.answers.encode(new ArrayList<>(index.keySet()), 64);
    return RetrievalMetrics.of(q, a, gold);
  }

  /**
   * Saves the towers: one directory when shared, else {@code query/} and {@code answer/} below {@code dir}.
   * Replaces {@code dir} atomically ({@link AtomicDirectory#replace}): a crash leaves the previous save or this one.
   */
  public void save(Path dir) throws IOException {
    if (b.questions == b.answers) {
      b.questions.save(dir);
      return;
    }
    AtomicDirectory.replace(dir, tmp -> {
      b.questions.save(tmp.resolve("query"));
      b.answers.save(tmp.resolve("answer"));
      Files.writeString(tmp.resolve("dual_encoder.json"),
          "{\"query\": \"query\", \"answer\": \"answer\", \"shared\": false}\n", StandardCharsets.UTF_8);
    });
  }

  private float step(Trainer trainer, InBatchNegativesLoss loss, List<Parameter> params, List<TrainingPair> train,
      int[] batch) {
    // 1. tokenize both sides (and negatives) into a per-step manager
    // 2. forward both towers, loss, backward
    // 3. clip the global gradient norm, then one optimizer update
    List<String> qs = new ArrayList<>();
    List<String> as = new ArrayList<>();
    List<String> ns = new ArrayList<>();
    for (int i : batch) {
      TrainingPair p = train.get(i);
      qs.add(p.question());
      as.add(p.answer());
      if (p.hardNegative() != null) {
        ns.add(p.hardNegative());
      }
    }
    try (NDManager sub = trainer.getManager().newSubManager()) {
      NDList in = new NDList();
      in.addAll(b.questions.tokenize(qs, sub, b.maxLength));
      in.addAll(b.answers.tokenize(as, sub, b.maxLength));
      if (!ns.isEmpty()) {
        in.addAll(b.answers.tokenize(ns, sub, b.maxLength));
      }
      float value;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDList out = trainer.forward(in);
        NDArray l = loss.evaluate(null, out);
        gc.backward(l);
        value = l.getFloat();
      }
      if (!Float.isFinite(value)) {
        throw new IllegalStateException("training loss is " + value + "; lower the learning rate or the scale");
      }
      lastNorm = b.maxGradNorm > 0 ? clip(params, b.maxGradNorm) : Double.NaN;
      trainer.step();
      return value;
    }
  }

  /** Global gradient norm of the parameters. */
  static double gradientNorm(List<Parameter> params) {
    double sum = 0;
    for (Parameter p : params) {
      // the gradient and every temporary are closed here: they attach to the parameter's manager, which
      // lives as long as the tower (unclosed, they leaked 2 arrays per parameter per step)
      try (NDArray g = p.getArray().getGradient(); NDArray sq = g.square(); NDArray total = sq.sum()) {
        sum += total.getFloat();
      }
    }
    return Math.sqrt(sum);
  }

  /** Scales all gradients so that their global L2 norm is at most {@code maxNorm}; returns the norm before. */
  static double clip(List<Parameter> params, float maxNorm) {
    double norm = gradientNorm(params);
    if (norm > maxNorm) {
      float f = (float) (maxNorm / (norm + 1e-6));
      for (Parameter p : params) {
        try (NDArray g = p.getArray().getGradient()) {
          g.muli(f);
        }
      }
    }
    return norm;
  }

  static List<Parameter> uniqueParameters(ai.djl.nn.Block block) {
    Map<String, Parameter> byId = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        byId.putIfAbsent(p.getValue().getId(), p.getValue());
      }
    }
    return new ArrayList<>(byId.values());
  }

  /**
   * Configures a {@link DualEncoderTrainer}. Setters validate at once ({@link IllegalArgumentException}).
   * Single use; not thread-safe.
   */
  public static final class Builder {
    private final Tower questions;
    private final Tower answers;
    private int epochs = 1;
    private int batchSize = 32;
    private float learningRate = 2e-5f;
    private float warmupRatio = 0.1f;
    private int warmupSteps = -1;
    private boolean decay = true;
    private float weightDecay = 0.01f;
    private OptimizerKind optimizer = OptimizerKind.ADAMW;
    private float maxGradNorm = 1f;
    private Float scale;
    private boolean symmetric;
    private long seed = 42;
    private int maxLength;
    private Path outputDir;
    private int logEvery = 10;
    private Consumer<Progress> progress = p -> { };
    private Consumer<EpochStats> epochEnd = e -> { };
    private boolean built;

    private Builder(Tower questions, Tower answers) {
      this.questions = questions;
      this.answers = answers;
      this.maxLength = Math.min(questions.maxLength(), answers.maxLength());
    }

    /** Passes over the training pairs, >= 1; default 1. */
    public Builder epochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    /**
     * Pairs per step, in [2, 4096]; default 32. Each question sees batchSize − 1 in-batch negatives: larger
     * batches give a harder task and better models, at batchSize² similarity cost and more memory.
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 2 || batchSize > 4096) {
        throw new IllegalArgumentException("batchSize must be in [2, 4096], got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Peak learning rate, finite and > 0; default 2e-5 (fine-tuning BERT-size models). */
    public Builder learningRate(float learningRate) {
      if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
      }
      this.learningRate = learningRate;
      return this;
    }

    /** Warm-up as a share of all steps, in [0, 1]; default 0.1. Overridden by {@link #warmupSteps(int)}. */
    public Builder warmupRatio(float ratio) {
      if (!(ratio >= 0 && ratio <= 1)) {
        throw new IllegalArgumentException("warmupRatio must be in [0, 1], got " + ratio);
      }
      this.warmupRatio = ratio;
      return this;
    }

    /** Warm-up steps, >= 0 (capped at the total). */
    public Builder warmupSteps(int steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("warmupSteps must be >= 0, got " + steps);
      }
      this.warmupSteps = steps;
      return this;
    }

    /** Whether the rate decays linearly to 0 after the warm-up; default true (false keeps it constant). */
    public Builder decay(boolean decay) {
      this.decay = decay;
      return this;
    }

    /** Weight decay, in [0, 1); default 0.01. Applied to all parameters. */
    public Builder weightDecay(float weightDecay) {
      if (!(weightDecay >= 0 && weightDecay < 1)) {
        throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + weightDecay);
      }
      this.weightDecay = weightDecay;
      return this;
    }

    /** AdamW (default) or Adam. */
    public Builder optimizer(OptimizerKind optimizer) {
      if (optimizer == null) {
        throw new IllegalArgumentException("optimizer is null");
      }
      this.optimizer = optimizer;
      return this;
    }

    /** Clip the global gradient L2 norm to this, >= 0 (0 = no clipping); default 1. */
    public Builder maxGradNorm(float maxGradNorm) {
      if (!(maxGradNorm >= 0) || !Float.isFinite(maxGradNorm)) {
        throw new IllegalArgumentException("maxGradNorm must be finite and >= 0, got " + maxGradNorm);
      }
      this.maxGradNorm = maxGradNorm;
      return this;
    }

    /**
     * Similarity scale (1/temperature), finite and > 0; default 20 when the towers normalize (cosine, as
     * sentence-transformers' MultipleNegativesRankingLoss), else 1 (raw dot products, as the seed).
     */
    public Builder scale(float scale) {
      if (!(scale > 0) || !Float.isFinite(scale)) {
        throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
      }
      this.scale = scale;
      return this;
    }

    /** Add the answer-to-question loss term; default false. */
    public Builder symmetric(boolean symmetric) {
      this.symmetric = symmetric;
      return this;
    }

    /** Seed of batch shuffling and of PyTorch's generator (dropout); default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Longest training text in tokens, in [2, the towers' maxLength]; default the towers' maxLength. */
    public Builder maxLength(int maxLength) {
      int cap = Math.min(questions.maxLength(), answers.maxLength());
      if (maxLength < 2 || maxLength > cap) {
        throw new IllegalArgumentException("maxLength must be in [2, " + cap + "], got " + maxLength);
      }
      this.maxLength = maxLength;
      return this;
    }

    /** Where to write {@code last/} and {@code best/} after each epoch; default none (no checkpoints). */
    public Builder outputDir(Path outputDir) {
      if (outputDir == null) {
        throw new IllegalArgumentException("outputDir is null");
      }
      this.outputDir = outputDir.toAbsolutePath().normalize();
      return this;
    }

    /** Receives a report every {@code everySteps} steps (and at the last); default none. */
    public Builder progress(Consumer<Progress> progress, int everySteps) {
      if (progress == null || everySteps < 1) {
        throw new IllegalArgumentException("progress must be non-null and everySteps >= 1, got " + everySteps);
      }
      this.progress = progress;
      this.logEvery = everySteps;
      return this;
    }

    /** Receives each epoch's summary; default none. */
    public Builder epochEnd(Consumer<EpochStats> epochEnd) {
      if (epochEnd == null) {
        throw new IllegalArgumentException("epochEnd is null");
      }
      this.epochEnd = epochEnd;
      return this;
    }

    private float scale() {
      return scale != null ? scale : questions.normalize() && answers.normalize() ? 20f : 1f;
    }

    /** The trainer. @throws IllegalStateException if called twice */
    public DualEncoderTrainer build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      built = true;
      return new DualEncoderTrainer(this);
    }
  }
}
