package dev.winnow.examples.walkthrough;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The walkthroughs' command-line contract: {@code --name VALUE} flags from a fixed set, a usage message and exit
 * status 2 for anything else, the shared data folder, and the JSON object printed as the last line of stdout.
 * Immutable.
 */
final class Cli {
  /** Exit status for bad flags. */
  static final int USAGE = 2;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Map<String, String> values;

  private Cli(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code --flag VALUE} pairs.
   *
   * @param allowed the flags this main accepts, e.g. {@code --data}
   * @throws IllegalArgumentException naming the bad argument: unknown flag, missing value, flag given twice
   */
  static Cli parse(String[] args, Set<String> allowed) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!allowed.contains(a)) {
        throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      if (values.put(a, args[++i]) != null) {
        throw new IllegalArgumentException(a + " given twice");
      }
    }
    return new Cli(values);
  }

  /**
   * Parses the flags, or prints the problem and {@code usage} to {@code err}.
   *
   * @return the parsed flags, or null when the caller should exit with {@link #USAGE}
   */
  static Cli parseOrUsage(String[] args, Set<String> allowed, String usage, PrintStream err) {
    try {
      return parse(args, allowed);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(usage);
      return null;
    }
  }

  /** The value of {@code flag}, else {@code fallback}. */
  String value(String flag, String fallback) {
    return values.getOrDefault(flag, fallback);
  }

  /** The value of {@code flag} as a path, else {@code fallback}. */
  Path path(String flag, Path fallback) {
    String v = values.get(flag);
    return v == null ? fallback : Paths.get(v);
  }

  /** {@code -Dwinnow.shared}, else {@code $WINNOW_SHARED}, else {@code ../shared}, resolved against it. */
  static Path shared(String relative) {
    String p = System.getProperty("winnow.shared");
    if (p == null || p.isBlank()) {
      p = System.getenv("WINNOW_SHARED");
    }
    return Paths.get(p == null || p.isBlank() ? "../shared" : p).resolve(relative).toAbsolutePath().normalize();
  }

  /**
   * Checks that every file exists.
   *
   * @return null when all exist, else a message naming the first missing one and the flag that overrides it
   */
  static String missing(List<Path> files, String flag) {
    for (Path f : files) {
      if (!Files.exists(f)) {
        return f + " not found (pass " + flag + " or -Dwinnow.shared=DIR)";
      }
    }
    return null;
  }

  /** Prints {@code figures} as one JSON line; HTML characters such as {@code <} and {@code '} are kept as is. */
  static void printJson(PrintStream out, Map<String, ?> figures) {
    out.println(GSON.toJson(figures));
  }

  /** {@code x} rounded to 6 decimals, so JSON carries the figures without float noise. */
  static double round6(double x) {
    return Math.round(x * 1e6) / 1e6;
  }
}
