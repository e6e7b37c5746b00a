package dev.winnow.examples;

import com.google.gson.GsonBuilder;
import dev.winnow.encoders.BundledModel;
import dev.winnow.encoders.DjlEncoder;
import dev.winnow.encoders.TokenEmbeddings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main job for now: the seed's similarity example ("What is the tallest mountain in the world?" against five
 * candidates) and its contextual "bat" example, with the bundled all-MiniLM-L6-v2 and no network.
 *
 * <pre>
 * mvn -q -B install -DskipTests &amp;&amp; mvn -q -B -pl examples exec:java
 * mvn -q -B -pl examples exec:java -Dexec.args="--model ../shared/models/all-MiniLM-L6-v2-torchscript"
 * </pre>
 *
 * Prints a table, then one JSON object as the last line of stdout.
 */
public final class Demo {
  static final String QUERY = "What is the tallest mountain in the world?";
  static final List<String> CANDIDATES = List.of(
      "What is the tallest mountain in the world?",
      "The tallest mountain in the world is Mount Everest.",
      "Mount Shasta",
      "I like my hike in the mountains",
      "I am going to a yoga class");
  static final List<String> BAT = List.of(
      "The bat flew out of the cave at night.",
      "He swung the bat and hit a home run.");

  private Demo() {}

  public static void main(String[] args) {
    Path model = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--model") && i + 1 < args.length) {
        model = Path.of(args[++i]);
      } else {
        System.err.println("usage: Demo [--model DIR]   (default: bundled all-MiniLM-L6-v2 ONNX)");
        System.exit(2);
      }
    }
    long t0 = System.nanoTime();
    try (DjlEncoder encoder = DjlEncoder.open(model == null ? BundledModel.ALL_MINILM_L6_V2.extract() : model)) {
      long loadMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(Locale.ROOT, "Winnow demo: %s%n  %d dimensions, %s pooling, normalize=%s, max %d tokens,"
          + " loaded in %d ms%n%n", encoder, encoder.dimension(), encoder.pooling(), encoder.normalize(),
          encoder.maxLength(), loadMs);

      long t1 = System.nanoTime();
      float[] q = encoder.encode(QUERY);
      float[][] c = encoder.encode(CANDIDATES);
      long encodeMs = (System.nanoTime() - t1) / 1_000_000;
      float[] cosines = new float[c.length];
      System.out.println("Query: " + QUERY);
      System.out.println("  cosine  candidate");
      for (int i = 0; i < c.length; i++) {
        cosines[i] = encoder.similarity().score(q, c[i]);
        System.out.printf(Locale.ROOT, "  %.4f  %s%n", cosines[i], CANDIDATES.get(i));
      }
      System.out.println("  (published sentence-transformers reference: 1.0, 0.7976, 0.4001, 0.3559, 0.0972)");

      TokenEmbeddings a = encoder.tokenEmbeddings(BAT.get(0));
      TokenEmbeddings b = encoder.tokenEmbeddings(BAT.get(1));
      float tokenCos = encoder.similarity().score(a.vector(a.indexOf("bat")), b.vector(b.indexOf("bat")));
      float[][] sentences = encoder.encode(BAT);
      float sentenceCos = encoder.similarity().score(sentences[0], sentences[1]);
      System.out.println();
      System.out.println("Contextual token vectors: the word piece \"bat\" in");
      System.out.println("  1. " + BAT.get(0) + "   tokens " + a.tokens());
      System.out.println("  2. " + BAT.get(1) + "   tokens " + b.tokens());
      System.out.printf(Locale.ROOT, "  cosine of the two \"bat\" vectors: %.4f (a static word vector would give 1.0)%n",
          tokenCos);
      System.out.printf(Locale.ROOT, "  cosine of the two sentence vectors: %.4f%n", sentenceCos);

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("model", encoder.modelId());
      json.put("dimension", encoder.dimension());
      json.put("query", QUERY);
      json.put("cosines", cosines);
      json.put("bat_token_cosine", tokenCos);
      json.put("bat_sentence_cosine", sentenceCos);
      json.put("load_ms", loadMs);
      json.put("encode_ms", encodeMs);
      System.out.println();
      System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(json));
    }
  }
}
