package dev.winnow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.winnow.testing.Shared;
import dev.winnow.testing.VectorMath;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The Java BERT loaded from MiniLM's safetensors reproduces the golden sentence-transformers vectors, one text
 * per call and batched with padding.
 */
class GoldenParityIT {
  @Test
  void minilmSafetensorsMatchGolden() throws IOException {
    var dir = Shared.require("models/all-MiniLM-L6-v2");
    JsonObject golden = JsonParser.parseString(Files.readString(
        Shared.require("models/golden/minilm_embeddings.json"))).getAsJsonObject();
    List<String> texts = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (var e : golden.getAsJsonArray("items")) {
      JsonObject o = e.getAsJsonObject();
      texts.add(o.get("text").getAsString());
      var a = o.getAsJsonArray("embedding");
      float[] f = new float[a.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = a.get(i).getAsFloat();
      }
      expected.add(f);
    }
    try (BertEncoder encoder = BertEncoder.owning(Tower.load(dir), 8)) {
      assertEquals(384, encoder.dimension());
      float[][] batched = encoder.encode(texts);
      double worst = 1;
      for (int i = 0; i < texts.size(); i++) {
        float[] single = encoder.encode(texts.get(i));
        double cs = VectorMath.cosine(expected.get(i), single);
        double cb = VectorMath.cosine(expected.get(i), batched[i]);
        assertTrue(cs >= 0.9999, "unbatched " + i + " cosine " + cs);
        assertTrue(cb >= 0.9999, "batched " + i + " cosine " + cb);
        worst = Math.min(worst, Math.min(cs, cb));
      }
      System.out.printf(Locale.ROOT, "java BERT (safetensors) vs golden: %d texts, min cosine %.8f%n",
          texts.size(), worst);
    }
  }
}
