package dev.winnow.examples.walkthrough;

import dev.winnow.Similarity;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.encoders.TokenEmbeddings;
import dev.winnow.examples.walkthrough.WordVectors.Neighbour;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The seed's "bat" walkthrough: a contextual model gives the word "bat" a different vector in each sentence, a
 * static embedding gives it one vector everywhere.
 *
 * <ul>
 *   <li>Contextual: all-MiniLM-L6-v2's last hidden state at the word piece "bat" in the seed's two sentences
 *       (the seed used bert-base-uncased, which is not available offline; MiniLM is a distilled BERT with the
 *       same uncased vocabulary). Each vector is then compared with "bat" in three more sentences of each sense.
 *   <li>Static: MiniLM's own input embedding row for "bat" (from {@code ../shared/models/all-MiniLM-L6-v2}), the
 *       vector every sentence starts from, and GloVe's vector if the GloVe subset has the word (the 2,445-word
 *       subset in {@code ../shared/data/glove_analogy} does not: the output says so).
 * </ul>
 *
 * <pre>
 * mvn -q -B -pl examples exec:java -Dexec.mainClass=dev.winnow.examples.walkthrough.ContextualVsStatic
 *     [-Dexec.args="--model-dir DIR --glove FILE"]
 * </pre>
 */
public final class ContextualVsStatic {
  static final String USAGE = "usage: ContextualVsStatic [--model-dir DIR] [--glove FILE]   (DIR: a Hugging Face"
      + " all-MiniLM-L6-v2 directory with model.safetensors and vocab.txt, default"
      + " <winnow.shared>/models/all-MiniLM-L6-v2; FILE default"
      + " <winnow.shared>/data/glove_analogy/glove.6B.50d.top2445.txt; both optional)";
  static final String ANIMAL = "The bat flew out of the cave at night.";
  static final String BASEBALL = "He swung the bat and hit a home run.";
  /** "bat" in more sentences of each sense, to tell which sense a contextual vector is nearer to. */
  static final List<String> ANIMAL_REFERENCES = List.of(
      "A bat is a small mammal that can fly.",
      "The vampire bat feeds on the blood of other animals.",
      "A bat hung upside down from the roof of the barn.");
  static final List<String> BASEBALL_REFERENCES = List.of(
      "The batter gripped the bat and waited for the pitch.",
      "She bought a new wooden bat for softball practice.",
      "He dropped the bat and ran to first base.");

  private ContextualVsStatic() {}

  public static void main(String[] args) throws IOException {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Runs the walkthrough, printing to {@code out}; returns the exit status (2 for bad flags). */
  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    Cli cli = Cli.parseOrUsage(args, Set.of("--model-dir", "--glove"), USAGE, out, err);
    if (cli == null || cli.helpShown()) {
      return cli == null ? Cli.USAGE : 0;
    }
    Path modelDir = cli.path("--model-dir", Cli.shared("models/all-MiniLM-L6-v2"));
    Path gloveFile = cli.path("--glove", Cli.shared("data/glove_analogy/glove.6B.50d.top2445.txt"));
    Map<String, Object> json = new LinkedHashMap<>();
    try (DjlEncoder minilm = DjlEncoder.defaultModel()) {
      TokenEmbeddings animal = minilm.tokenEmbeddings(ANIMAL);
      TokenEmbeddings baseball = minilm.tokenEmbeddings(BASEBALL);
      int ia = animal.indexOf("bat"), ib = baseball.indexOf("bat");
      float[] batAnimal = animal.vector(ia), batBaseball = baseball.vector(ib);
      double contextual = cosine(batAnimal, batBaseball);
      float[][] sentences = minilm.encode(List.of(ANIMAL, BASEBALL));
      double sentenceCosine = cosine(sentences[0], sentences[1]);

      out.println("Contextual vectors: all-MiniLM-L6-v2 (bundled ONNX), last hidden state at the word piece \"bat\"");
      out.println("  (the seed used bert-base-uncased, which cannot be had offline; MiniLM is a distilled BERT with"
          + " the same uncased vocabulary)");
      out.printf(Locale.ROOT, "  1. %-40s token %d of %s%n", ANIMAL, ia, animal.tokens());
      out.printf(Locale.ROOT, "  2. %-40s token %d of %s%n", BASEBALL, ib, baseball.tokens());
      out.printf(Locale.ROOT, "  cosine(bat in 1, bat in 2)            %.4f%n", contextual);
      out.printf(Locale.ROOT, "  cosine(sentence 1, sentence 2)        %.4f   (mean-pooled sentence vectors)%n",
          sentenceCosine);
      json.put("model", "all-MiniLM-L6-v2");
      json.put("contextual_bat_cosine", Cli.round6(contextual));
      json.put("sentence_cosine", Cli.round6(sentenceCosine));

      out.println();
      out.println("Which sense is each contextual \"bat\" nearer to? Mean cosine with \"bat\" in other sentences:");
      for (String s : ANIMAL_REFERENCES) {
        out.println("  animal:   " + s);
      }
      for (String s : BASEBALL_REFERENCES) {
        out.println("  baseball: " + s);
      }
      out.printf(Locale.ROOT, "  %-42s %8s %9s  %s%n", "sentence", "animal", "baseball", "nearer sense");
      Map<String, Object> senses = new LinkedHashMap<>();
      senses.put("animal", nearerSense(minilm, ANIMAL, batAnimal, out));
      senses.put("baseball", nearerSense(minilm, BASEBALL, batBaseball, out));
      json.put("senses", senses);

      out.println();
      if (Files.exists(modelDir.resolve("model.safetensors")) && Files.exists(modelDir.resolve("vocab.txt"))) {
        WordPieceEmbeddings table = WordPieceEmbeddings.load(modelDir);
        long id = animal.id(ia);
        float[] staticBat = table.vector(id);
        double staticCosine = cosine(table.vector(animal.id(ia)), table.vector(baseball.id(ib)));
        out.println("Static vector: MiniLM's input embedding row for \"bat\" (id " + id + "), from "
            + modelDir.resolve("model.safetensors"));
        out.printf(Locale.ROOT, "  cosine(bat in 1, bat in 2)            %.4f   (one row per word piece: 1.0 by"
            + " construction)%n", staticCosine);
        double toAnimal = cosine(staticBat, table.vector(table.id("animal")));
        double toBaseball = cosine(staticBat, table.vector(table.id("baseball")));
        out.printf(Locale.ROOT, "  cosine(bat, animal) %.4f, cosine(bat, baseball) %.4f: the same in every"
            + " sentence%n", toAnimal, toBaseball);
        List<Neighbour> near = table.nearest(id, 10);
        out.println("  nearest word pieces: " + format(near));
        json.put("static_minilm_bat_cosine", Cli.round6(staticCosine));
        json.put("static_minilm_bat_animal", Cli.round6(toAnimal));
        json.put("static_minilm_bat_baseball", Cli.round6(toBaseball));
        json.put("static_minilm_neighbours", near.stream().map(Neighbour::word).toList());
      } else {
        out.println("Static vector: skipped, " + modelDir + " has no model.safetensors and vocab.txt"
            + " (pass --model-dir)");
      }
    }

    out.println();
    if (Files.exists(gloveFile)) {
      WordVectors glove = WordVectors.load(gloveFile);
      boolean has = glove.contains("bat");
      json.put("glove_vocabulary", glove.size());
      json.put("glove_has_bat", has);
      out.printf(Locale.ROOT, "Static vector: GloVe 6B %dd, %,d words (%s)%n", glove.dimension(), glove.size(),
          gloveFile.getFileName());
      if (has) {
        out.println("  cosine(bat in 1, bat in 2)            1.0000   (one vector per word)");
        List<Neighbour> near = glove.nearest("bat", 10);
        out.println("  nearest words: " + format(near));
        json.put("glove_bat_cosine", 1.0);
        json.put("glove_neighbours", near.stream().map(Neighbour::word).toList());
      } else {
        out.println("  \"bat\" is not among these words (the subset keeps only the most frequent ones), so there is"
            + " no GloVe vector to show; a static vector would give cosine 1.0 by construction, as above.");
      }
    } else {
      out.println("GloVe: skipped, " + gloveFile + " not found (pass --glove)");
    }
    Cli.printJson(out, json);
    return 0;
  }

  /** Prints and returns the mean cosine of {@code bat} with each sense's references, and the nearer sense. */
  private static Map<String, Object> nearerSense(DjlEncoder minilm, String sentence, float[] bat, PrintStream out) {
    double toAnimal = meanCosine(minilm, bat, ANIMAL_REFERENCES);
    double toBaseball = meanCosine(minilm, bat, BASEBALL_REFERENCES);
    String nearer = toAnimal > toBaseball ? "animal" : "baseball";
    out.printf(Locale.ROOT, "  %-42s %8.4f %9.4f  %s%n", sentence, toAnimal, toBaseball, nearer);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("to_animal", Cli.round6(toAnimal));
    m.put("to_baseball", Cli.round6(toBaseball));
    m.put("nearer", nearer);
    return m;
  }

  private static double meanCosine(DjlEncoder minilm, float[] v, List<String> references) {
    double sum = 0;
    for (String s : references) {
      TokenEmbeddings t = minilm.tokenEmbeddings(s);
      sum += cosine(v, t.vector(t.indexOf("bat")));
    }
    return sum / references.size();
  }

  private static String format(List<Neighbour> near) {
    StringBuilder sb = new StringBuilder();
    for (Neighbour n : near) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.3f", n.word(), n.cosine()));
    }
    return sb.toString();
  }

  private static double cosine(float[] a, float[] b) {
    return Similarity.COSINE.score(a, b);
  }
}
