package dev.winnow.encoders;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.winnow.testing.Shared;
import dev.winnow.testing.VectorMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the golden sentence-transformers outputs in {@code ../shared/models/golden}. */
final class Golden {
  private Golden() {}

  record Item(String id, String text, long[] inputIds, float[] embedding) {}

  static JsonObject json(String name) {
    Path file = Shared.require("models/golden/" + name);
    try {
      return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Item> embeddings() {
    List<Item> items = new ArrayList<>();
    for (var e : json("minilm_embeddings.json").getAsJsonArray("items")) {
      JsonObject o = e.getAsJsonObject();
      items.add(new Item(o.get("id").getAsString(), o.get("text").getAsString(),
          longs(o.getAsJsonArray("input_ids")), floats(o.getAsJsonArray("embedding"))));
    }
    return items;
  }

  static float[] floats(JsonArray a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = a.get(i).getAsFloat();
    }
    return f;
  }

  static long[] longs(JsonArray a) {
    long[] f = new long[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = a.get(i).getAsLong();
    }
    return f;
  }

  static double cosine(float[] a, float[] b) {
    return VectorMath.cosine(a, b);
  }

  static double maxAbsDiff(float[] a, float[] b) {
    return VectorMath.maxAbsDiff(a, b);
  }
}
