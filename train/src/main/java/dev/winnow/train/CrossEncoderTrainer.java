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
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.winnow.train.DualEncoderTrainer.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Fine-tunes a {@link CrossEncoder} on queries with one judged positive and mined hard negatives
 * ({@link HardNegativeMiner}), on DJL's PyTorch engine (CPU, or the GPU libtorch finds: the code is the same).
 *
 * <pre>{@code
 * try (CrossEncoder ce = CrossEncoder.load(Path.of("../shared/models/all-MiniLM-L6-v2"), 256, 42)) {
 *   CrossEncoderTrainer.Result r = CrossEncoderTrainer.builder(ce)
 *       .loss(CrossEncoderLoss.POINTWISE_BCE).negatives(3).batchSize(8).learningRate(2e-5f)
 *       .outputDir(Path.of("cache/reranker")).progress(System.err::println, 20).build()
 *       .train(examples, devQueries);                  // best dev MAP kept in cache/reranker/best
 * }
 * }</pre>
 *
 * <p>Each epoch: the examples are shuffled (seeded) and grouped into batches of similar length
 * ({@code bucketed}); each draws {@link Builder#negatives(int)} of its negatives
 * (seeded, without replacement while it has enough); a step takes {@link Builder#batchSize(int)} examples,
 * i.e. {@code batchSize × (1 + negatives)} pairs, runs the model, the loss ({@link CrossEncoderLoss}), backward,
 * clips the global gradient norm and updates with AdamW under a linear warm-up/decay schedule
 * ({@link LinearWarmupDecay}). Both losses see exactly the same pairs, so they can be compared. The dev queries
 * are reranked after each epoch (and every {@link Builder#evaluateEvery(int)} steps): {@link RerankMetrics};
 * the model is saved to {@code outputDir/best} whenever dev MAP improves and to {@code outputDir/last} at the
 * end.
 *
 * <p>Not thread-safe: one thread trains, and the cross-encoder must not be used elsewhere meanwhile. The
 * trainer does not own the cross-encoder: the caller closes it.
 */
public final class CrossEncoderTrainer {

  /** One dev evaluation: after {@code step} optimizer steps (0 = before training). */
  public record Evaluation(int epoch, int step, double meanLoss, RerankMetrics dev, double pairsPerSecond) {}

  /**
   * The outcome.
   *
   * @param evaluations every dev evaluation, the one before training first
   * @param best the evaluation with the highest dev MAP (the first on ties)
   * @param bestDir where that model was saved, or null without an output directory
   */
  public record Result(List<Evaluation> evaluations, Evaluation best, Path bestDir) {}

  private final Builder b;

  private CrossEncoderTrainer(Builder b) {
    this.b = b;
  }

  /** A trainer for {@code model}; the caller keeps ownership. */
  public static Builder builder(CrossEncoder model) {
    if (model == null) {
      throw new IllegalArgumentException("model is null");
    }
    return new Builder(model);
  }

  /**
   * Dev metrics of the current model: every dev pair scored in one multi-query call
   * ({@link CrossEncoder#logits}), each query's candidates ranked by logit.
   */
  public RerankMetrics evaluate(List<RerankQuery> dev) {
    return RerankMetrics.of(dev, score(b.model, dev, b.evalBatchSize));
  }

  /** Logits of every dev query's candidates, in one call over all queries. */
  static List<float[]> score(CrossEncoder model, List<RerankQuery> dev, int batchSize) {
    List<String> qs = new ArrayList<>();
    List<String> ps = new ArrayList<>();
    for (RerankQuery q : dev) {
      for (String p : q.passages()) {
        qs.add(q.query());
        ps.add(p);
      }
    }
    float[] all = model.logits(qs, ps, batchSize);
    List<float[]> out = new ArrayList<>(dev.size());
    int at = 0;
    for (RerankQuery q : dev) {
      float[] s = new float[q.passages().size()];
      System.arraycopy(all, at, s, 0, s.length);
      at += s.length;
      out.add(s);
    }
    return out;
  }

  /**
   * Trains for the configured epochs.
   *
   * @param train training queries, at least 1
   * @param dev dev queries evaluated before training, after each epoch and every {@code evaluateEvery} steps;
   *     empty for none (then the last model counts as best)
   * @throws IllegalArgumentException if train is empty or an argument is null
   */
  public Result train(List<RerankExample> train, List<RerankQuery> dev) throws IOException {
    if (train == null || train.isEmpty()) {
      throw new IllegalArgumentException("train needs at least 1 example, got " + (train == null ? null : 0));
    }
    if (dev == null) {
      throw new IllegalArgumentException("dev is null (pass an empty list for no evaluation)");
    }
    Random random = new Random(b.seed);
    Engine.getEngine("PyTorch").setRandomSeed((int) b.seed);
    int stepsPerEpoch = (train.size() + b.batchSize - 1) / b.batchSize;
    int total = stepsPerEpoch * b.epochs;
    int warmup = Math.round(b.warmupRatio * total);
    LinearWarmupDecay schedule = new LinearWarmupDecay(b.learningRate, warmup, total, true);
    // the head (pooler + classifier) at headLearningRateFactor × the schedule, the encoder at the schedule
    java.util.Set<String> head = new java.util.HashSet<>();
    b.model.parameters().forEach((name, p) -> {
      if (name.startsWith("classifier.") || name.startsWith("bert.pooler.")) {
        head.add(p.getId());
      }
    });
    float factor = b.headFactor;
    ai.djl.training.tracker.ParameterTracker rates = (id, n) -> schedule.getNewValue(n)
        * (head.contains(id) ? factor : 1f);
    Optimizer optimizer = Optimizer.adamW().optLearningRateTracker(rates).optWeightDecays(b.weightDecay).build();
    Device device = b.model.manager().getDevice();
    List<Evaluation> evals = new ArrayList<>();
    Evaluation[] best = {null};
    if (!dev.isEmpty()) {
      evals.add(new Evaluation(0, 0, Double.NaN, evaluate(dev), Double.NaN));
      best[0] = evals.get(0);
    }
    int step = 0;
    try (Model model = Model.newInstance("cross-encoder", device, "PyTorch")) {
      model.setBlock(b.model.block());
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer)
          .optDevices(new Device[] {device});
      List<Parameter> params = DualEncoderTrainer.uniqueParameters(b.model.block());
      try (Trainer trainer = model.newTrainer(config)) {
        for (int epoch = 1; epoch <= b.epochs; epoch++) {
          List<List<RerankExample>> batches = bucketed(train, b.batchSize, random);
          double lossSum = 0;
          int lossCount = 0;
          long start = System.nanoTime();
          long pairs = 0;
          for (int bi = 0; bi < batches.size(); bi++) {
            List<RerankExample> batch = batches.get(bi);
            step++;
            double[] norm = {Double.NaN};
            float value = step(trainer, params, batch, random, norm);
            lossSum += value;
            lossCount++;
            pairs += (long) batch.size() * (1 + b.negatives);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (step % b.logEvery == 0 || step == total) {
              b.progress.accept(new Progress(epoch, step, total, value, pairs / seconds,
                  schedule.getNewValue(step), norm[0]));
            }
            boolean epochEnd = bi == batches.size() - 1;
            if (!dev.isEmpty() && (epochEnd || b.evaluateEvery > 0 && step % b.evaluateEvery == 0)) {
              Evaluation e = new Evaluation(epoch, step, lossSum / lossCount, evaluate(dev), pairs / seconds);
              evals.add(e);
              b.evaluated.accept(e);
              if (e.dev().map() > best[0].dev().map()) {
                best[0] = e;
                if (b.outputDir != null) {
                  b.model.save(b.outputDir.resolve("best"));
                }
              }
            }
          }
          if (dev.isEmpty()) {
            best[0] = new Evaluation(epoch, step, lossSum / lossCount, null, pairs / ((System.nanoTime() - start)
                / 1e9));
          }
        }
      }
    }
    if (b.outputDir != null) {
      b.model.save(b.outputDir.resolve("last"));
      if (dev.isEmpty() || best[0].step() == 0) {
        b.model.save(b.outputDir.resolve("best")); // nothing beat the start: "best" is still a loadable model
      }
    }
    return new Result(List.copyOf(evals), best[0], b.outputDir == null ? null : b.outputDir.resolve("best"));
  }

  private float step(Trainer trainer, List<Parameter> params, List<RerankExample> batch, Random random,
      double[] norm) {
    // 1. each example: its positive, then `negatives` drawn from its negatives (seeded)
    // 2. tokenize all pairs into a per-step manager, forward, logits [examples, 1 + negatives], loss, backward
    // 3. clip the global gradient norm, then one optimizer update
    List<String> qs = new ArrayList<>();
    List<String> ps = new ArrayList<>();
    for (RerankExample e : batch) {
      qs.add(e.query());
      ps.add(e.positive());
      for (String n : draw(e.negatives(), b.negatives, random)) {
        qs.add(e.query());
        ps.add(n);
      }
    }
    try (NDManager sub = trainer.getManager().newSubManager()) {
      NDList in = b.model.tokenize(qs, ps, sub);
      float value;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(in).singletonOrThrow().reshape(batch.size(), 1 + b.negatives);
        NDArray l = b.loss.evaluate(logits);
        gc.backward(l);
        value = l.getFloat();
      }
      if (!Float.isFinite(value)) {
        throw new IllegalStateException("training loss is " + value + "; lower the learning rate");
      }
      norm[0] = b.maxGradNorm > 0 ? DualEncoderTrainer.clip(params, b.maxGradNorm)
          : DualEncoderTrainer.gradientNorm(params);
      trainer.step();
      return value;
    }
  }

  /**
   * One epoch's batches: the examples shuffled, then in windows of 32 batches sorted by text length (query + positive, in
   * characters) and cut into batches whose order is shuffled again, so that a batch holds pairs of similar length
   * and little padding (a 30-token pair padded to a 256-token neighbour costs 8 times its own compute).
   */
  static List<List<RerankExample>> bucketed(List<RerankExample> train, int batchSize, Random random) {
    List<RerankExample> order = new ArrayList<>(train);
    Collections.shuffle(order, random);
    int window = batchSize * 32;
    List<List<RerankExample>> batches = new ArrayList<>();
    for (int from = 0; from < order.size(); from += window) {
      List<RerankExample> w = new ArrayList<>(order.subList(from, Math.min(order.size(), from + window)));
      w.sort(java.util.Comparator.comparingInt(e -> e.query().length() + e.positive().length()));
      for (int i = 0; i < w.size(); i += batchSize) {
        batches.add(w.subList(i, Math.min(w.size(), i + batchSize)));
      }
    }
    Collections.shuffle(batches, random);
    return batches;
  }

  /** {@code n} of {@code pool}: a seeded sample without replacement, cycling through the pool when it is short. */
  static List<String> draw(List<String> pool, int n, Random random) {
    List<String> shuffled = new ArrayList<>(pool);
    Collections.shuffle(shuffled, random);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(shuffled.get(i % shuffled.size()));
    }
    return out;
  }

  /**
   * Configures a {@link CrossEncoderTrainer}. Setters validate at once ({@link IllegalArgumentException}).
   * Single use; not thread-safe.
   */
  public static final class Builder {
    private final CrossEncoder model;
    private CrossEncoderLoss loss = CrossEncoderLoss.POINTWISE_BCE;
    private int negatives = 3;
    private int epochs = 1;
    private int batchSize = 8;
    private float learningRate = 2e-5f;
    private float headFactor = 10f;
    private float warmupRatio = 0.1f;
    private float weightDecay = 0.01f;
    private float maxGradNorm = 1f;
    private long seed = 42;
    private int evaluateEvery;
    private int evalBatchSize = 32;
    private Path outputDir;
    private int logEvery = 10;
    private Consumer<Progress> progress = p -> { };
    private Consumer<Evaluation> evaluated = e -> { };
    private boolean built;

    private Builder(CrossEncoder model) {
      this.model = model;
    }

    /**
     * The loss; default {@link CrossEncoderLoss#POINTWISE_BCE}, which beat the listwise softmax in
     * docs/training.md's comparison (same pairs, same 75 steps, same seed: dev-subset MAP 0.594 vs 0.530). One
     * short CPU run, not a general verdict: re-measure with longer training.
     */
    public Builder loss(CrossEncoderLoss loss) {
      if (loss == null) {
        throw new IllegalArgumentException("loss is null");
      }
      this.loss = loss;
      return this;
    }

    /** Hard negatives per positive and step, in [1, 64]; default 3. Cost: 1 + n pairs per example. */
    public Builder negatives(int negatives) {
      if (negatives < 1 || negatives > 64) {
        throw new IllegalArgumentException("negatives must be in [1, 64], got " + negatives);
      }
      this.negatives = negatives;
      return this;
    }

    /** Passes over the examples, in [1, 1000]; default 1. */
    public Builder epochs(int epochs) {
      if (epochs < 1 || epochs > 1000) {
        throw new IllegalArgumentException("epochs must be in [1, 1000], got " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    /** Examples (queries) per step, in [1, 1024]; default 8, i.e. 32 pairs with 3 negatives. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 1024) {
        throw new IllegalArgumentException("batchSize must be in [1, 1024], got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Peak learning rate, finite and > 0; default 2e-5 (sentence-transformers' CrossEncoder default). */
    public Builder learningRate(float learningRate) {
      if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
      }
      this.learningRate = learningRate;
      return this;
    }

    /**
     * Learning-rate factor of the head (the pooler and the classifier), in [1, 1000]; default 10, the recipe the
     * shared fixture reranker was trained with (a head initialised afresh on a bi-encoder has everything to
     * learn, the encoder little). Not tuned here: docs/training.md's runs used 10; a factor-1 run was stopped
     * after 40 steps, its training loss still at chance (listwise 1.378 vs ln 4 = 1.386), as was the factor-10
     * run's at that point, so the comparison is open.
     */
    public Builder headLearningRateFactor(float factor) {
      if (!(factor >= 1 && factor <= 1000)) {
        throw new IllegalArgumentException("headLearningRateFactor must be in [1, 1000], got " + factor);
      }
      this.headFactor = factor;
      return this;
    }

    /** Linear warm-up as a share of all steps, in [0, 1]; default 0.1; then linear decay to 0. */
    public Builder warmupRatio(float ratio) {
      if (!(ratio >= 0 && ratio <= 1)) {
        throw new IllegalArgumentException("warmupRatio must be in [0, 1], got " + ratio);
      }
      this.warmupRatio = ratio;
      return this;
    }

    /** AdamW's decoupled weight decay, in [0, 1); default 0.01. */
    public Builder weightDecay(float weightDecay) {
      if (!(weightDecay >= 0 && weightDecay < 1)) {
        throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + weightDecay);
      }
      this.weightDecay = weightDecay;
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

    /** Seed of shuffling, negative sampling and PyTorch's generator (dropout); default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Also evaluate every this many steps, >= 0 (0 = only after each epoch, the default). */
    public Builder evaluateEvery(int steps) {
      if (steps < 0) {
        throw new IllegalArgumentException("evaluateEvery must be >= 0, got " + steps);
      }
      this.evaluateEvery = steps;
      return this;
    }

    /** Pairs per forward pass when scoring the dev queries, in [1, 4096]; default 32. */
    public Builder evalBatchSize(int pairs) {
      if (pairs < 1 || pairs > 4096) {
        throw new IllegalArgumentException("evalBatchSize must be in [1, 4096], got " + pairs);
      }
      this.evalBatchSize = pairs;
      return this;
    }

    /** Where to write {@code best/} and {@code last/}; default none (no checkpoints). */
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

    /** Receives each dev evaluation made during training; default none. */
    public Builder evaluated(Consumer<Evaluation> evaluated) {
      if (evaluated == null) {
        throw new IllegalArgumentException("evaluated is null");
      }
      this.evaluated = evaluated;
      return this;
    }

    /** The trainer. @throws IllegalStateException if called twice */
    public CrossEncoderTrainer build() {
      if (built) {
        throw new IllegalStateException("builder already used");
      }
      built = true;
      return new CrossEncoderTrainer(this);
    }
  }
}
