package dev.winnow.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.winnow.Fusion;
import dev.winnow.RerankBlend;
import dev.winnow.Reranker;
import dev.winnow.RetrievalMode;
import dev.winnow.RetrieveOptions;
import dev.winnow.Retriever;
import dev.winnow.ScoredDocument;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.eval.BeirDataset;
import dev.winnow.eval.RetrievalDatasets;
import dev.winnow.eval.WikiQaDataset;
import dev.winnow.index.FlatVectorIndex;
import dev.winnow.index.VectorIndexes;
import dev.winnow.keyword.LuceneKeywordIndex;
import dev.winnow.rerank.RerankerEvidence;
import dev.winnow.rerank.Rerankers;
import dev.winnow.train.CrossEncoder;
import dev.winnow.train.CrossEncoderLoss;
import dev.winnow.train.CrossEncoderTrainer;
import dev.winnow.train.HardNegativeMiner;
import dev.winnow.train.RerankExample;
import dev.winnow.train.RerankMetrics;
import dev.winnow.train.RerankQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The cross-encoder experiment of docs/training.md, in steps that share {@code cache/rerank-exp/}:
 *
 * <ul>
 *   <li>{@code fixture-split [--depth N]}: reranks every SciFact train claim's dense top N with the shared fixture
 *       and writes per-claim nDCG@10 ({@code fixture-per-claim.tsv}), to find the claims it was not trained on.
 *   <li>{@code prepare [--dev-ids FILE] [--scifact-filter on|off] [--data FILE]}: splits SciFact's 809 train
 *       claims into train and a dev part (seeded, or the claims FILE names), measures the first stages on that dev part (dense, BM25, hybrid linear 0.7 and
 *       0.4, top 100) and keeps the best one's top 100 per dev claim; WikiQA dev (answerable questions) ranked by
 *       MiniLM cosine; mines hard negatives with Winnow's own retrievers for SciFact train (best first stage) and
 *       the NQ sample (dense), and takes WikiQA train's judged negatives. Writes {@code data.json} (or {@code
 *       --data FILE}). {@code --scifact-filter off} mines SciFact without the false-negative filter.
 *   <li>{@code train --loss POINTWISE_BCE|LISTWISE_SOFTMAX --out DIR [--lr --head-factor --batch --negatives
 *       --max-length --eval-every --epochs --init DIR --limit N --cap SOURCE=N --seed --data FILE]}: fine-tunes
 *       all-MiniLM-L6-v2 with a fresh head, or continues training the cross-encoder in {@code --init DIR};
 *       checkpoints by the MAP of a dev subset (WikiQA dev + the top 20 of 40 SciFact dev claims).
 *   <li>{@code eval --model NAME=DIR ... [--evidence NAME] [--scifact-range FROM:TO]}: reranks both dev sets with
 *       each model (the shared int8 fixture by default too): pure rerank, rerank of the top M only, and the
 *       weighted sum of min-max normalised first-stage and reranker scores for weights 0..1; then one weight for
 *       all sets (the best mean gain among the weights that improve every set by at least 0.01 MAP / nDCG@10),
 *       written as {@code winnow-evaluation.json} into the {@code --evidence} model's directory. {@code
 *       --scores-out FILE} also writes every model's raw scores (per set, per query) for {@code paired}.
 *   <li>{@code paired --scores FILE... --a NAME:W --b NAME:W [--resamples N]}: the per-query difference, model A
 *       blended at weight W against model B at its weight (1 = pure rerank), on each dev set: mean, a seeded
 *       95 % paired-bootstrap interval and a two-sided sign-flip randomisation p-value.
 *   <li>{@code average --out DIR MODEL...}: the element-wise mean of several cross-encoders' weights (a uniform
 *       weight soup of one training lineage), saved like a trained model.
 *   <li>{@code init DIR} saves all-MiniLM-L6-v2 with a fresh head (the untrained cross-encoder); {@code score DIR}
 *       prints Java's scores of fixed pairs as JSON, for the Python parity check of docs/training.md.
 * </ul>
 *
 * Prints tables; the last line of stdout is one JSON object. Progress on stderr.
 */
public final class RerankTrainExperiment {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
  private static final double[] WEIGHTS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  private static final int[] TOP_M = {10, 20, 50, 100};
  /** The least gain over the first stage, on every dev set, that counts as "shown to help". */
  private static final double MIN_GAIN = 0.01;

  /** A dev set: queries with candidates, labels and first-stage scores (best first). */
  record DevSet(String name, String firstStage, List<RerankQuery> queries, List<float[]> firstStageScores) {}

  /** What {@code prepare} writes. */
  record Data(Map<String, List<RerankExample>> train, List<DevSet> dev, Map<String, Object> facts) {}

  private RerankTrainExperiment() {}

  public static void main(String[] args) throws IOException {
    Path shared = Path.of(System.getProperty("winnow.shared", "../shared"));
    Path root = Path.of(System.getProperty("winnow.root", "."));
    Path work = root.resolve("cache/rerank-exp");
    Files.createDirectories(work);
    String step = args.length > 0 ? args[0] : "";
    switch (step) {
      case "prepare" -> prepare(shared, root, work, args);
      case "fixture-split" -> fixtureSplit(shared, root, work, args);
      case "train" -> train(shared, work, args);
      case "eval" -> eval(shared, work, args);
      case "paired" -> paired(work, args);
      case "score" -> score(Path.of(args[1]));
      case "average" -> average(args);
      case "init" -> {
        try (CrossEncoder ce = CrossEncoder.load(shared.resolve("models/all-MiniLM-L6-v2"), 256, 42)) {
          ce.save(Path.of(args[1])); // all-MiniLM-L6-v2 + a fresh seeded head: a real-size parity fixture
        }
      }
      default -> throw new IllegalArgumentException(
          "step must be fixture-split, prepare, train, eval, paired, average, score or init, got '" + step + "'");
    }
  }

  // ---------------------------------------------------------------- prepare

  static void prepare(Path shared, Path root, Path work, String[] args) throws IOException {
    Path devIdsFile = null;
    Path dataFile = work.resolve("data.json");
    boolean scifactFilter = true;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--dev-ids" -> devIdsFile = Path.of(args[++i]);
        case "--data" -> dataFile = Path.of(args[++i]);
        case "--scifact-filter" -> {
          String v = args[++i];
          if (!v.equals("on") && !v.equals("off")) {
            throw new IllegalArgumentException("--scifact-filter must be on or off, got '" + v + "'");
          }
          scifactFilter = v.equals("on");
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("scifactFalseNegativeFilter", scifactFilter);
    Map<String, List<RerankExample>> train = new LinkedHashMap<>();
    List<DevSet> dev = new ArrayList<>();
    Path sf = shared.resolve("data/scifact");
    BeirDataset scifact = BeirDataset.load(sf.resolve("corpus.jsonl"), sf.resolve("queries.jsonl"),
        sf.resolve("qrels/train.tsv"), false);
    List<String> ids = new ArrayList<>(scifact.judgedQueries().keySet());
    Collections.sort(ids);
    Collections.shuffle(ids, new Random(14));
    List<String> devIds = ids.subList(0, 150);
    List<String> trainIds = ids.subList(150, ids.size());
    if (devIdsFile != null) {
      // a dev part chosen elsewhere (fixture-split: the claims the shared fixture was not trained on)
      Set<String> chosen = new LinkedHashSet<>(Files.readAllLines(devIdsFile).stream().map(String::strip)
          .filter(x -> !x.isEmpty()).toList());
      if (!ids.containsAll(chosen)) {
        throw new IllegalArgumentException("--dev-ids names claims that are not judged SciFact train claims");
      }
      if (chosen.size() < 40 || chosen.size() >= ids.size()) {
        throw new IllegalArgumentException("--dev-ids must name at least 40 claims (the checkpoint subset) and"
            + " leave some for training, got " + chosen.size() + " of " + ids.size());
      }
      devIds = ids.stream().filter(chosen::contains).toList();
      trainIds = ids.stream().filter(x -> !chosen.contains(x)).toList();
    }
    facts.put("scifactTrainClaims", trainIds.size());
    facts.put("scifactDevClaims", devIds.size());
    Files.writeString(work.resolve("scifact-dev-ids.txt"), String.join("\n", devIds) + "\n");
    Map<String, String> text = new LinkedHashMap<>();
    scifact.corpus().forEach(d -> text.put(d.id(), d.text()));
    try (DjlEncoder minilm = BundledModel.ALL_MINILM_L6_V2.open();
        Retriever sfRetriever = openOrBuild(root.resolve("cache/rerank-exp/scifact-minilm"), scifact, minilm)) {
      // 1. SciFact dev: every first stage, top 100; keep the best by nDCG@10
      Map<String, RetrieveOptions> modes = new LinkedHashMap<>();
      modes.put("dense", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.DENSE));
      modes.put("bm25", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.KEYWORD));
      modes.put("hybrid linear:0.7", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)
          .withFusion(Fusion.linear(0.7)));
      modes.put("hybrid linear:0.4", RetrieveOptions.DEFAULTS.withMode(RetrievalMode.HYBRID)
          .withFusion(Fusion.linear(0.4)));
      DevSet best = null;
      Map<String, Object> firstStages = new LinkedHashMap<>();
      System.out.println("SciFact dev (" + devIds.size() + " claims), first stages, top 100:");
      for (Map.Entry<String, RetrieveOptions> m : modes.entrySet()) {
        List<RerankQuery> qs = new ArrayList<>();
        List<float[]> fs = new ArrayList<>();
        for (String qid : devIds) {
          Map<String, Integer> judged = scifact.qrels().get(qid);
          List<ScoredDocument> got = sfRetriever.retrieve(scifact.queries().get(qid), 100, m.getValue()
              .withoutRerank()).results();
          List<String> passages = new ArrayList<>();
          List<Integer> labels = new ArrayList<>();
          float[] s = new float[got.size()];
          for (int i = 0; i < got.size(); i++) {
            passages.add(got.get(i).document().text());
            labels.add(judged.getOrDefault(got.get(i).id(), 0));
            s[i] = got.get(i).score();
          }
          int relevant = (int) judged.values().stream().filter(g -> g > 0).count();
          qs.add(new RerankQuery(scifact.queries().get(qid), passages, labels, relevant));
          fs.add(s);
        }
        DevSet d = new DevSet("scifact-dev", m.getKey(), qs, fs);
        RerankMetrics r = RerankMetrics.firstStage(qs);
        firstStages.put(m.getKey(), r);
        System.out.printf(Locale.ROOT, "  %-18s %s%n", m.getKey(), r);
        if (best == null || r.ndcgAt10() > RerankMetrics.firstStage(best.queries()).ndcgAt10()) {
          best = d;
        }
      }
      facts.put("scifactDevFirstStages", firstStages);
      facts.put("scifactFirstStage", best.firstStage());
      dev.add(best);
      // 2. mine SciFact train with the best first stage
      RetrieveOptions bestOptions = modes.get(best.firstStage());
      List<HardNegativeMiner.Query> mq = new ArrayList<>();
      for (String qid : trainIds) {
        Set<String> pos = new LinkedHashSet<>();
        scifact.qrels().get(qid).forEach((id, g) -> {
          if (g > 0) {
            pos.add(id);
          }
        });
        mq.add(new HardNegativeMiner.Query(scifact.queries().get(qid), pos,
            pos.stream().map(text::get).toList()));
      }
      HardNegativeMiner.Builder sfMiner = HardNegativeMiner.builder(sfRetriever).options(bestOptions).depth(30)
          .negatives(10);
      if (!scifactFilter) {
        sfMiner.noFalseNegativeFilter();   // keep what the bi-encoder prefers to the positive (the hardest negatives)
      }
      HardNegativeMiner.Mined mined = sfMiner.build().mine(mq);
      train.put("scifact", examples(mq, mined));
      facts.put("scifactMining", Map.of("queries", mq.size(), "positivesDropped", mined.positivesDropped(),
          "filteredAsPossibleFalseNegatives", mined.filtered()));
      System.err.printf(Locale.ROOT, "SciFact mined: %d positives dropped, %d filtered%n", mined.positivesDropped(),
          mined.filtered());
      // 3. NQ sample: dense retriever over its answers
      BeirDataset nq = RetrievalDatasets.naturalQuestions(shared.resolve("data/nq_sample/nq_sample.utf8fixed.tsv"),
          true);
      Map<String, String> nqText = new LinkedHashMap<>();
      nq.corpus().forEach(d -> nqText.put(d.id(), d.text()));
      try (Retriever nqRetriever = openOrBuild(root.resolve("cache/rerank-exp/nq-minilm"), nq, minilm)) {
        List<HardNegativeMiner.Query> nqq = new ArrayList<>();
        nq.qrels().forEach((qid, j) -> nqq.add(new HardNegativeMiner.Query(nq.queries().get(qid), j.keySet(),
            j.keySet().stream().map(nqText::get).toList())));
        HardNegativeMiner.Mined nm = HardNegativeMiner.builder(nqRetriever)
            .options(RetrieveOptions.DEFAULTS.withMode(RetrievalMode.DENSE)).depth(30).negatives(10).build()
            .mine(nqq);
        train.put("nq", examples(nqq, nm));
        facts.put("nqMining", Map.of("queries", nqq.size(), "positivesDropped", nm.positivesDropped(),
            "filteredAsPossibleFalseNegatives", nm.filtered()));
      }
      // 4. WikiQA train: each positive with its question's judged negatives; dev ranked by MiniLM cosine
      List<RerankExample> wiki = new ArrayList<>();
      for (WikiQaDataset.Question q : WikiQaDataset.load(shared.resolve("data/wikiqa/WikiQA-train.tsv.gz"), false)
          .answerable()) {
        List<String> negatives = new ArrayList<>();
        for (int i = 0; i < q.sentences().size(); i++) {
          if (q.labels().get(i) == 0 && !negatives.contains(q.sentences().get(i))) {
            negatives.add(q.sentences().get(i));
          }
        }
        for (int i = 0; i < q.sentences().size(); i++) {
          if (q.labels().get(i) == 1 && !negatives.isEmpty() && !negatives.contains(q.sentences().get(i))) {
            wiki.add(new RerankExample(q.text(), q.sentences().get(i), negatives));
          }
        }
      }
      train.put("wikiqa", wiki);
      List<RerankQuery> wq = new ArrayList<>();
      List<float[]> wf = new ArrayList<>();
      for (WikiQaDataset.Question q : WikiQaDataset.load(shared.resolve("data/wikiqa/WikiQA-dev.tsv.gz"), false)
          .answerable()) {
        float[] qv = minilm.encode(List.of(q.text()))[0];
        float[][] sv = minilm.encode(q.sentences());
        Integer[] order = new Integer[sv.length];
        float[] cos = new float[sv.length];
        for (int i = 0; i < sv.length; i++) {
          order[i] = i;
          cos[i] = minilm.similarity().score(qv, sv[i]);
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(cos[b], cos[a]));
        List<String> passages = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        float[] s = new float[order.length];
        for (int i = 0; i < order.length; i++) {
          passages.add(q.sentences().get(order[i]));
          labels.add(q.labels().get(order[i]));
          s[i] = cos[order[i]];
        }
        wq.add(new RerankQuery(q.text(), passages, labels));
        wf.add(s);
      }
      DevSet wikiDev = new DevSet("wikiqa-dev", "MiniLM cosine", wq, wf);
      dev.add(0, wikiDev);
      System.out.println("WikiQA dev (" + wq.size() + " answerable questions), MiniLM cosine: "
          + RerankMetrics.firstStage(wq));
    }
    train.forEach((k, v) -> facts.put("train." + k, v.size()));
    Files.writeString(dataFile, GSON.toJson(new Data(train, dev, facts)), StandardCharsets.UTF_8);
    System.out.println(GSON.toJson(facts));
  }

  // ---------------------------------------------------------------- fixture-split

  /**
   * Which SciFact train claims did the shared fixture see in training? Its README says "about 660 of the 809, the
   * rest held out" without naming them. For every judged train claim this reranks the dense MiniLM top {@code
   * --depth} (default 30) with the fixture and writes, per claim in qrels/train.tsv order, the first-stage and the
   * fixture's nDCG@10 to {@code fixture-per-claim.tsv}: a memorised claim shows a near-perfect fixture ranking.
   */
  static void fixtureSplit(Path shared, Path root, Path work, String[] args) throws IOException {
    int depth = 30;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--depth")) {
        depth = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path sf = shared.resolve("data/scifact");
    BeirDataset scifact = BeirDataset.load(sf.resolve("corpus.jsonl"), sf.resolve("queries.jsonl"),
        sf.resolve("qrels/train.tsv"), false);
    List<String> order = new ArrayList<>(scifact.judgedQueries().keySet()); // qrels/train.tsv order
    List<RerankQuery> qs = new ArrayList<>();
    try (DjlEncoder minilm = BundledModel.ALL_MINILM_L6_V2.open();
        Retriever r = openOrBuild(root.resolve("cache/rerank-exp/scifact-minilm"), scifact, minilm)) {
      for (String qid : order) {
        Map<String, Integer> judged = scifact.qrels().get(qid);
        List<ScoredDocument> got = r.retrieve(scifact.queries().get(qid), depth,
            RetrieveOptions.DEFAULTS.withMode(RetrievalMode.DENSE).withoutRerank()).results();
        int relevant = (int) judged.values().stream().filter(g -> g > 0).count();
        qs.add(new RerankQuery(scifact.queries().get(qid), got.stream().map(g -> g.document().text()).toList(),
            got.stream().map(g -> judged.getOrDefault(g.id(), 0)).toList(), relevant));
      }
    }
    List<float[]> scores;
    try (Reranker fixture = Rerankers.open(shared.resolve("models/minilm-l6-reranker"))) {
      scores = rerank(fixture, qs);
    }
    StringBuilder tsv = new StringBuilder("position\tclaim\tfirstStageNdcg10\tfixtureNdcg10\n");
    for (int i = 0; i < qs.size(); i++) {
      RerankMetrics a = RerankMetrics.firstStage(List.of(qs.get(i)));
      RerankMetrics b = RerankMetrics.of(List.of(qs.get(i)), List.of(scores.get(i)));
      tsv.append(String.format(Locale.ROOT, "%d\t%s\t%.4f\t%.4f\n", i, order.get(i), a.ndcgAt10(), b.ndcgAt10()));
    }
    Files.writeString(work.resolve("fixture-per-claim.tsv"), tsv.toString());
    System.out.println(GSON.toJson(Map.of("claims", qs.size(), "depth", depth, "firstStage",
        RerankMetrics.firstStage(qs), "fixture", RerankMetrics.of(qs, scores))));
  }

  /** The saved retriever in {@code dir}, or a new one (flat index + BM25) over the corpus, saved there. */
  private static Retriever openOrBuild(Path dir, BeirDataset data, DjlEncoder encoder) throws IOException {
    if (Files.isRegularFile(dir.resolve(Retriever.MANIFEST))) {
      return Retriever.opener(dir).encoders(encoder.asDualEncoder()).vectorIndex(VectorIndexes::open)
          .keywordIndex(LuceneKeywordIndex::open).open();
    }
    System.err.println("encoding " + data.corpus().size() + " documents into " + dir);
    FlatVectorIndex index = new FlatVectorIndex(encoder.dimension(), encoder.similarity());
    LuceneKeywordIndex keyword = LuceneKeywordIndex.builder().build();
    try (Retriever r = Retriever.builder().encoders(encoder.asDualEncoder()).index(index).keywordIndex(keyword)
        .build()) {
      r.add(data.corpus());
      r.save(dir);
    } finally {
      index.close();
      keyword.close();
    }
    return openOrBuild(dir, data, encoder);
  }

  private static List<RerankExample> examples(List<HardNegativeMiner.Query> qs, HardNegativeMiner.Mined mined) {
    List<RerankExample> out = new ArrayList<>();
    for (int i = 0; i < qs.size(); i++) {
      if (mined.negatives().get(i).isEmpty()) {
        continue;
      }
      for (String p : qs.get(i).positiveTexts()) {
        out.add(new RerankExample(qs.get(i).text(), p, mined.negatives().get(i)));
      }
    }
    return out;
  }

  /** What {@code prepare} wrote to {@code file} ({@code data.json} in the work folder unless {@code --data}). */
  static Data load(Path file) throws IOException {
    return GSON.fromJson(Files.readString(file), Data.class);
  }

  // ---------------------------------------------------------------- train

  static void train(Path shared, Path work, String[] args) throws IOException {
    CrossEncoderLoss loss = CrossEncoderLoss.POINTWISE_BCE;
    Path out = null;
    float lr = 3e-5f;
    float headFactor = 10f;
    int batch = 8;
    int negatives = 3;
    int maxLength = 256;
    int evalEvery = 0;
    int epochs = 1;
    Path init = null;
    int limit = Integer.MAX_VALUE;
    long seed = 42;
    Path dataFile = work.resolve("data.json");
    Map<String, Integer> caps = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--cap" -> {
          String[] kv = args[++i].split("=", 2);
          caps.put(kv[0], Integer.parseInt(kv[1]));
        }
        case "--loss" -> loss = CrossEncoderLoss.valueOf(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--lr" -> lr = Float.parseFloat(args[++i]);
        case "--head-factor" -> headFactor = Float.parseFloat(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--negatives" -> negatives = Integer.parseInt(args[++i]);
        case "--max-length" -> maxLength = Integer.parseInt(args[++i]);
        case "--eval-every" -> evalEvery = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--init" -> init = Path.of(args[++i]);
        case "--limit" -> limit = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--data" -> dataFile = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    Data data = load(dataFile);
    List<RerankExample> all = new ArrayList<>();
    long sampleSeed = seed;
    data.train().forEach((source, examples) -> {
      List<RerankExample> e = new ArrayList<>(examples);
      Collections.shuffle(e, new Random(sampleSeed));
      all.addAll(e.subList(0, Math.min(e.size(), caps.getOrDefault(source, Integer.MAX_VALUE))));
    });
    Collections.shuffle(all, new Random(seed));
    List<RerankExample> train = all.subList(0, Math.min(limit, all.size()));
    List<RerankQuery> devSubset = new ArrayList<>(data.dev().get(0).queries());
    for (RerankQuery q : data.dev().get(1).queries().subList(0, 40)) {
      int m = Math.min(20, q.passages().size());
      devSubset.add(new RerankQuery(q.query(), q.passages().subList(0, m), q.labels().subList(0, m), q.judged()));
    }
    System.out.printf(Locale.ROOT, "training %d of %d examples (%s), loss %s, lr %.1e, batch %d, negatives %d,"
        + " maxLength %d; checkpoint dev subset %d queries; %s%n", train.size(), all.size(), sizes(data), loss, lr,
        batch, negatives, maxLength, devSubset.size(), MachineFacts.describe());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("loss", loss.name());
    json.put("examples", train.size());
    json.put("learningRate", lr);
    json.put("headLearningRateFactor", headFactor);
    json.put("batch", batch);
    json.put("negatives", negatives);
    json.put("maxLength", maxLength);
    json.put("epochs", epochs);
    json.put("caps", caps);
    long start = System.nanoTime();
    // all-MiniLM-L6-v2 with a fresh head, or (--init) a saved cross-encoder whose training continues
    Path from = init != null ? init : shared.resolve("models/all-MiniLM-L6-v2");
    json.put("init", from.toString());
    try (CrossEncoder ce = CrossEncoder.load(from, maxLength, seed)) {
      CrossEncoderTrainer.Result r = CrossEncoderTrainer.builder(ce).loss(loss).learningRate(lr)
          .headLearningRateFactor(headFactor).batchSize(batch).negatives(negatives).seed(seed)
          .epochs(epochs).evaluateEvery(evalEvery).outputDir(out)
          .progress(p -> System.err.println(p), 10)
          .evaluated(e -> System.err.printf(Locale.ROOT, "step %d: dev subset %s, mean loss %.4f%n", e.step(),
              e.dev(), e.meanLoss()))
          .build().train(train, devSubset);
      System.out.println("| step | dev subset MAP | MRR@10 | nDCG@10 | mean loss |");
      System.out.println("|---|---|---|---|---|");
      for (CrossEncoderTrainer.Evaluation e : r.evaluations()) {
        System.out.printf(Locale.ROOT, "| %d | %.4f | %.4f | %.4f | %.4f |%n", e.step(), e.dev().map(),
            e.dev().mrrAt10(), e.dev().ndcgAt10(), e.meanLoss());
      }
      List<Map<String, Object>> evaluations = new ArrayList<>();
      for (CrossEncoderTrainer.Evaluation e : r.evaluations()) { // step 0 has no training loss: null, not NaN
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", e.step());
        m.put("dev", e.dev());
        m.put("meanLoss", Double.isNaN(e.meanLoss()) ? null : e.meanLoss());
        evaluations.add(m);
      }
      json.put("evaluations", evaluations);
      json.put("bestStep", r.best().step());
      json.put("bestDir", String.valueOf(r.bestDir()));
    }
    json.put("seconds", (System.nanoTime() - start) / 1e9);
    System.out.println(GSON.toJson(json));
  }

  private static String sizes(Data d) {
    StringBuilder b = new StringBuilder();
    d.train().forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v.size()));
    return b.toString();
  }

  // ---------------------------------------------------------------- score

  /** Fixed pairs for the Python parity check (docs/training.md): Java's sigmoid scores as JSON. */
  static final List<String[]> PARITY_PAIRS = List.of(
      new String[] {"Which animals find their way by echolocation?",
          "Bats and dolphins navigate by emitting calls and listening to the echoes."},
      new String[] {"Which animals find their way by echolocation?",
          "An HNSW graph finds nearest neighbours by greedy search over layered proximity graphs."},
      new String[] {"What is the capital of Australia?", "Canberra is the capital city of Australia."},
      new String[] {"What is the capital of Australia?", "Sydney is the largest city in Australia."},
      new String[] {"", ""},
      new String[] {"how long is a marathon", String.join(" ", Collections.nCopies(120,
          "The marathon is a long-distance race of 42.195 kilometres."))});

  /**
   * {@code average --out DIR MODEL...}: the element-wise mean of the weights of several cross-encoders of one
   * architecture and tokenizer (a uniform "model soup", Wortsman et al. 2022), saved like a trained model. Checkpoints
   * of one training lineage average well; unrelated models do not.
   */
  static void average(String[] args) throws IOException {
    Path out = null;
    List<Path> models = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--out")) {
        out = Path.of(args[++i]);
      } else {
        models.add(Path.of(args[i]));
      }
    }
    if (out == null || models.size() < 2) {
      throw new IllegalArgumentException("average needs --out DIR and at least two model directories, got " + models);
    }
    try (CrossEncoder soup = CrossEncoder.load(models.get(0), 256, 42)) {
      Map<String, ai.djl.nn.Parameter> sum = soup.parameters();
      for (Path m : models.subList(1, models.size())) {
        try (CrossEncoder other = CrossEncoder.load(m, 256, 42)) {
          Map<String, ai.djl.nn.Parameter> p = other.parameters();
          if (!p.keySet().equals(sum.keySet())) {
            throw new IllegalArgumentException(m + " has other parameters than " + models.get(0));
          }
          for (var e : sum.entrySet()) {
            ai.djl.ndarray.NDArray a = p.get(e.getKey()).getArray();
            if (!a.getShape().equals(e.getValue().getArray().getShape())) {
              throw new IllegalArgumentException(m + ": " + e.getKey() + " has shape " + a.getShape() + ", not "
                  + e.getValue().getArray().getShape());
            }
            e.getValue().getArray().addi(a);
          }
        }
      }
      for (ai.djl.nn.Parameter p : sum.values()) {
        p.getArray().divi(models.size());
      }
      soup.save(out);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("out", out.toString());
    json.put("models", models.stream().map(Path::toString).toList());
    System.out.println("averaged " + models.size() + " models into " + out);
    System.out.println(GSON.toJson(json));
  }

  static void score(Path dir) {
    List<String> q = PARITY_PAIRS.stream().map(p -> p[0]).toList();
    List<String> p = PARITY_PAIRS.stream().map(x -> x[1]).toList();
    try (Reranker r = Rerankers.open(dir)) {
      float[] batched = r.scorePairs(q, p);
      float[] single = new float[q.size()];
      for (int i = 0; i < single.length; i++) {
        single[i] = r.score(q.get(i), List.of(p.get(i)))[0];
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("model", r.modelId());
      json.put("pairs", PARITY_PAIRS);
      json.put("batched", batched);
      json.put("single", single);
      System.out.println(GSON.toJson(json));
    }
  }

  // ---------------------------------------------------------------- eval

  static void eval(Path shared, Path work, String[] args) throws IOException {
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("fixture (int8)", shared.resolve("models/minilm-l6-reranker"));
    int sciFrom = 0;
    int sciTo = Integer.MAX_VALUE;
    String evidenceFor = null;
    Path scoresOut = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--evidence" -> evidenceFor = args[++i];
        case "--scores-out" -> scoresOut = Path.of(args[++i]);
        case "--model" -> {
          String[] kv = args[++i].split("=", 2);
          models.put(kv[0], Path.of(kv[1]));
        }
        case "--no-fixture" -> models.remove("fixture (int8)");
        case "--scifact-range" -> {
          String[] r = args[++i].split(":", 2);
          sciFrom = Integer.parseInt(r[0]);
          sciTo = Integer.parseInt(r[1]);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Data data = load(work.resolve("data.json"));
    Map<String, Object> json = new LinkedHashMap<>();
    // per model and weight: the relative gain over the first stage on each dev set
    Map<String, Map<Double, List<Double>>> gains = new LinkedHashMap<>();
    Map<String, List<String>> summaries = new LinkedHashMap<>();
    Map<String, Map<String, List<float[]>>> raw = new LinkedHashMap<>(); // model -> set -> scores per query
    for (DevSet d : data.dev()) {
      DevSet part = part(d, sciFrom, sciTo);
      int from = part == d ? 0 : Math.min(sciFrom, d.queries().size());
      int to = from + part.queries().size();
      List<RerankQuery> qs = part.queries();
      List<float[]> fs = part.firstStageScores();
      Map<String, Object> set = new LinkedHashMap<>();
      RerankMetrics first = RerankMetrics.firstStage(qs);
      set.put("firstStage", Map.of("name", d.firstStage(), "metrics", first));
      System.out.printf(Locale.ROOT, "%n%s (queries %d..%d, %d), first stage %s: %s%n", d.name(), from, to - 1,
          qs.size(), d.firstStage(), first);
      System.out.println("| model | setting | MAP | MRR@10 | nDCG@10 |");
      System.out.println("|---|---|---|---|---|");
      System.out.printf(Locale.ROOT, "| first stage | %s | %.4f | %.4f | %.4f |%n", d.firstStage(), first.map(),
          first.mrrAt10(), first.ndcgAt10());
      for (Map.Entry<String, Path> m : models.entrySet()) {
        List<float[]> scores;
        long t0 = System.nanoTime();
        int pairs = 0;
        try (Reranker r = Rerankers.open(m.getValue())) {
          pairs = qs.stream().mapToInt(x -> x.passages().size()).sum();
          scores = rerank(r, qs);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "%s on %s: %d pairs in %.1f s%n", m.getKey(), d.name(), pairs, secs);
        raw.computeIfAbsent(m.getKey(), x -> new LinkedHashMap<>()).put(d.name(), scores);
        Map<String, Object> mj = new LinkedHashMap<>();
        RerankMetrics pure = RerankMetrics.of(qs, scores);
        mj.put("rerank", pure);
        row(m.getKey(), "rerank all", pure);
        Map<String, Object> topM = new LinkedHashMap<>();
        for (int top : TOP_M) {
          RerankMetrics r = RerankMetrics.of(qs, topM(scores, top));
          topM.put(String.valueOf(top), r);
          row(m.getKey(), "rerank top " + top, r);
        }
        mj.put("rerankTopM", topM);
        Map<String, Object> blend = new LinkedHashMap<>();
        double bestW = 0;
        RerankMetrics bestR = null;
        for (double w : WEIGHTS) {
          RerankMetrics r = RerankMetrics.of(qs, blend(fs, scores, w));
          blend.put(String.format(Locale.ROOT, "%.1f", w), r);
          gains.computeIfAbsent(m.getKey(), x -> new LinkedHashMap<>()).computeIfAbsent(w, x -> new ArrayList<>())
              .add(key(d, r) - key(d, first));
          if (bestR == null || key(d, r) > key(d, bestR)) {
            bestR = r;
            bestW = w;
          }
        }
        row(m.getKey(), String.format(Locale.ROOT, "blend w=%.1f (best of 0..1)", bestW), bestR);
        mj.put("blend", blend);
        mj.put("bestBlendWeight", bestW);
        mj.put("pairsPerSecond", pairs / secs);
        set.put(m.getKey(), mj);
        summaries.computeIfAbsent(m.getKey(), x -> new ArrayList<>()).add(String.format(Locale.ROOT,
            "%s %s %.3f (first stage %s) -> %.3f pure rerank, %.3f at w=%.1f", d.name(),
            d.name().startsWith("wikiqa") ? "MAP" : "nDCG@10", key(d, first), d.firstStage(), key(d, pure),
            key(d, bestR), bestW));
      }
      json.put(d.name(), set);
    }
    // one weight for every set: the best mean gain among the weights that improve every set by at least
    // MIN_GAIN (absolute MAP on WikiQA, nDCG@10 on SciFact); smaller gains are within the noise of these dev sets
    System.out.println();
    System.out.println("| model | weight for all sets | gains over the first stage |");
    System.out.println("|---|---|---|");
    Map<String, Object> chosen = new LinkedHashMap<>();
    for (Map.Entry<String, Map<Double, List<Double>>> g : gains.entrySet()) {
      double bestW = -1;
      double bestMean = Double.NEGATIVE_INFINITY;
      for (Map.Entry<Double, List<Double>> w : g.getValue().entrySet()) {
        boolean all = w.getValue().stream().allMatch(x -> x >= MIN_GAIN);
        double mean = w.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        if (all && mean > bestMean) {
          bestMean = mean;
          bestW = w.getKey();
        }
      }
      System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", g.getKey(), bestW < 0 ? "none helps every set"
          : String.format(Locale.ROOT, "%.1f", bestW), bestW < 0 ? "best per weight: " + g.getValue()
          : g.getValue().get(bestW));
      chosen.put(g.getKey(), bestW < 0 ? null : Map.of("weight", bestW, "gains", g.getValue().get(bestW)));
      if (g.getKey().equals(evidenceFor)) {
        RerankerEvidence e = new RerankerEvidence(bestW >= 0, Math.max(0, bestW), 100,
            String.join("; ", summaries.get(g.getKey())) + (bestW < 0 ? "" : String.format(Locale.ROOT,
                "; chosen w=%.1f for all sets", bestW)));
        e.write(models.get(g.getKey()));
        System.out.println("wrote " + models.get(g.getKey()).resolve(RerankerEvidence.FILE) + ": " + e);
      }
    }
    json.put("chosenWeight", chosen);
    if (scoresOut != null) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("scifactRange", List.of(sciFrom, sciTo));
      out.put("models", raw);
      Files.writeString(scoresOut, GSON.toJson(out));
      System.err.println("wrote raw scores to " + scoresOut);
    }
    System.out.println(GSON.toJson(json));
  }

  // ---------------------------------------------------------------- paired

  /** A model's scores, blended with the first stage at a weight: {@code NAME:W}. */
  record Side(String model, double weight) {
    static Side parse(String s) {
      int at = s.lastIndexOf(':');
      if (at <= 0) {
        throw new IllegalArgumentException("expected NAME:WEIGHT (weight in [0, 1]), got '" + s + "'");
      }
      double w;
      try {
        w = Double.parseDouble(s.substring(at + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected NAME:WEIGHT (weight in [0, 1]), got '" + s + "'", e);
      }
      if (!(w >= 0 && w <= 1)) {
        throw new IllegalArgumentException("weight must be in [0, 1], got " + w + " in '" + s + "'");
      }
      return new Side(s.substring(0, at), w);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s at w=%.1f", model, weight);
    }
  }

  static void paired(Path work, String[] args) throws IOException {
    Map<String, Map<String, List<float[]>>> scores = new LinkedHashMap<>();
    List<Integer> range = null;
    Side a = null;
    Side b = null;
    int resamples = 10_000;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--scores" -> {
          ScoresFile f = GSON.fromJson(Files.readString(Path.of(args[++i])), ScoresFile.class);
          if (range != null && !range.equals(f.scifactRange())) {
            throw new IllegalArgumentException("--scores files cover different SciFact ranges: " + range + " and "
                + f.scifactRange());
          }
          range = f.scifactRange();
          scores.putAll(f.models());
        }
        case "--a" -> a = Side.parse(args[++i]);
        case "--b" -> b = Side.parse(args[++i]);
        case "--resamples" -> resamples = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (a == null || b == null || range == null) {
      throw new IllegalArgumentException("paired needs --scores FILE (at least one), --a NAME:W and --b NAME:W");
    }
    for (Side s : List.of(a, b)) {
      if (!scores.containsKey(s.model())) {
        throw new IllegalArgumentException("no scores for model '" + s.model() + "'; the files hold "
            + scores.keySet());
      }
    }
    Data data = load(work.resolve("data.json"));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("a", a.toString());
    json.put("b", b.toString());
    json.put("resamples", resamples);
    System.out.printf(Locale.ROOT, "A = %s, B = %s; %d paired-bootstrap resamples (seed 7)%n", a, b, resamples);
    System.out.println("| dev set | metric | queries | A | B | A - B | 95 % interval | p (sign flip) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (DevSet d : data.dev()) {
      boolean sci = d.name().startsWith("scifact");
      DevSet part = part(d, range.get(0), range.get(1));
      List<RerankQuery> qs = part.queries();
      List<float[]> fs = part.firstStageScores();
      double[] pa = perQuery(d, qs, blend(fs, scoresOf(scores, a, d, qs), a.weight()));
      double[] pb = perQuery(d, qs, blend(fs, scoresOf(scores, b, d, qs), b.weight()));
      double[] diff = new double[pa.length];
      for (int i = 0; i < diff.length; i++) {
        diff[i] = pa[i] - pb[i];
      }
      double mean = mean(diff);
      Random random = new Random(7);
      double[] boot = new double[resamples];
      int extreme = 0;
      for (int r = 0; r < resamples; r++) {
        double sum = 0;
        double flipped = 0;
        for (int i = 0; i < diff.length; i++) {
          sum += diff[random.nextInt(diff.length)];
          flipped += random.nextBoolean() ? diff[i] : -diff[i];
        }
        boot[r] = sum / diff.length;
        if (Math.abs(flipped / diff.length) >= Math.abs(mean) - 1e-12) {
          extreme++;
        }
      }
      java.util.Arrays.sort(boot);
      double lo = boot[(int) Math.floor(0.025 * (resamples - 1))];
      double hi = boot[(int) Math.ceil(0.975 * (resamples - 1))];
      double p = (extreme + 1.0) / (resamples + 1.0);
      String metric = sci ? "nDCG@10" : "MAP";
      System.out.printf(Locale.ROOT, "| %s | %s | %d | %.4f | %.4f | %+.4f | [%+.4f, %+.4f] | %.3f |%n", d.name(),
          metric, diff.length, mean(pa), mean(pb), mean, lo, hi, p);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("metric", metric);
      m.put("queries", diff.length);
      m.put("a", mean(pa));
      m.put("b", mean(pb));
      m.put("difference", mean);
      m.put("interval95", List.of(lo, hi));
      m.put("pSignFlip", p);
      json.put(d.name(), m);
    }
    System.out.println(GSON.toJson(json));
  }

  /** What {@code eval --scores-out} writes. */
  record ScoresFile(List<Integer> scifactRange, Map<String, Map<String, List<float[]>>> models) {}

  private static List<float[]> scoresOf(Map<String, Map<String, List<float[]>>> scores, Side s, DevSet d,
      List<RerankQuery> qs) {
    List<float[]> x = scores.get(s.model()).get(d.name());
    if (x == null || x.size() != qs.size()) {
      throw new IllegalArgumentException("scores of '" + s.model() + "' on " + d.name() + " cover "
          + (x == null ? "no" : String.valueOf(x.size())) + " queries, the set has " + qs.size());
    }
    for (int i = 0; i < x.size(); i++) {
      if (x.get(i).length != qs.get(i).passages().size()) {
        throw new IllegalArgumentException("scores of '" + s.model() + "' on " + d.name() + ", query " + i
            + ": " + x.get(i).length + " scores for " + qs.get(i).passages().size() + " candidates");
      }
    }
    return x;
  }

  /** The set's metric (MAP on WikiQA, nDCG@10 on SciFact), query by query. */
  private static double[] perQuery(DevSet d, List<RerankQuery> qs, List<float[]> scores) {
    double[] out = new double[qs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = key(d, RerankMetrics.of(qs.subList(i, i + 1), scores.subList(i, i + 1)));
    }
    return out;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return x.length == 0 ? Double.NaN : s / x.length;
  }

  /** The queries of {@code d} that are evaluated: SciFact claims {@code [sciFrom, sciTo)} (clamped), all of WikiQA. */
  private static DevSet part(DevSet d, int sciFrom, int sciTo) {
    if (!d.name().startsWith("scifact")) {
      return d;
    }
    int from = Math.min(sciFrom, d.queries().size());
    int to = Math.min(sciTo, d.queries().size());
    return new DevSet(d.name(), d.firstStage(), d.queries().subList(from, to), d.firstStageScores().subList(from, to));
  }

  /** The metric each set is judged by: MAP on WikiQA, nDCG@10 on SciFact. */
  private static double key(DevSet d, RerankMetrics r) {
    return d.name().startsWith("wikiqa") ? r.map() : r.ndcgAt10();
  }

  private static void row(String model, String setting, RerankMetrics r) {
    System.out.printf(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f |%n", model, setting, r.map(), r.mrrAt10(),
        r.ndcgAt10());
  }

  /** Scores every (query, candidate) pair of {@code qs} in one {@link Reranker#scorePairs} call, split per query. */
  static List<float[]> rerank(Reranker r, List<RerankQuery> qs) {
    List<String> q = new ArrayList<>();
    List<String> p = new ArrayList<>();
    for (RerankQuery rq : qs) {
      for (String s : rq.passages()) {
        q.add(rq.query());
        p.add(s);
      }
    }
    return split(r.scorePairs(q, p), qs);
  }

  static List<float[]> split(float[] all, List<RerankQuery> qs) {
    List<float[]> out = new ArrayList<>();
    int at = 0;
    for (RerankQuery q : qs) {
      float[] s = new float[q.passages().size()];
      System.arraycopy(all, at, s, 0, s.length);
      at += s.length;
      out.add(s);
    }
    return out;
  }

  /** Reranker scores for the first {@code m} candidates, placed above the rest (kept in first-stage order). */
  static List<float[]> topM(List<float[]> scores, int m) {
    List<float[]> out = new ArrayList<>();
    for (float[] s : scores) {
      float[] r = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        r[i] = i < m ? 1000f + s[i] : -i;
      }
      out.add(r);
    }
    return out;
  }

  /** {@link RerankBlend#blend} per query. */
  static List<float[]> blend(List<float[]> first, List<float[]> rerank, double w) {
    List<float[]> out = new ArrayList<>();
    for (int q = 0; q < first.size(); q++) {
      out.add(RerankBlend.blend(first.get(q), rerank.get(q), w));
    }
    return out;
  }
}
