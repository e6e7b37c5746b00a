package dev.winnow.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one-line JSON object every benchmark prints last. */
final class BenchJson {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private BenchJson() {}

  static String of(Object o) {
    return GSON.toJson(o);
  }
}
