package dev.winnow.examples.walkthrough;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.winnow.examples.cli.Flags;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The walkthroughs' command-line contract: {@code --name VALUE} flags from a fixed set, parsed by the same
 * picocli parser as {@code bin/winnow} ({@link Flags}); {@code --help} prints the main's usage and exits 0, anything
 * else unknown is a usage message and exit status 2; the shared data folder; and the JSON object printed as the
 * last line of stdout. Immutable.
 */
final class Cli {
  /** Exit status for bad flags. */
  static final int USAGE = 2;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Flags values;
  private final boolean helpShown;

  private Cli(Flags values, boolean helpShown) {
    this.values = values;
    this.helpShown = helpShown;
  }

  /**
   * Parses {@code --flag VALUE} pairs.
   *
   * @param allowed the flags this main accepts, e.g. {@code --data}
   * @throws IllegalArgumentException naming the bad argument: unknown flag, missing value, flag given twice
   * @throws Flags.HelpRequested for {@code --help}
   */
  static Cli parse(String[] args, Set<String> allowed) {
    return new Cli(command("", allowed).parse(args), false);
  }

  private static Flags.Command command(String usage, Set<String> allowed) {
    Flags.Command c = Flags.command("walkthrough", usage);
    for (String flag : new TreeSet<>(allowed)) {
      c = c.value(flag, "VALUE", "");
    }
    return c;
  }

  /**
   * Parses the flags; on {@code --help} prints {@code usage} and the flags to {@code out}; on a bad flag prints
   * the problem and {@code usage} to {@code err}.
   *
   * @return the parsed flags ({@link #helpShown()} after {@code --help}: exit 0), or null when the caller should
   *     exit with {@link #USAGE}
   */
  static Cli parseOrUsage(String[] args, Set<String> allowed, String usage, PrintStream out, PrintStream err) {
    try {
      return new Cli(command(usage, allowed).parse(args), false);
    } catch (Flags.HelpRequested h) {
      out.println(usage);
      out.print(h.getMessage());
      return new Cli(null, true);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(usage);
      return null;
    }
  }

  /** Whether {@code --help} was given and usage printed: the main exits 0 without running. */
  boolean helpShown() {
    return helpShown;
  }

  /** The value of {@code flag}, else {@code fallback}. */
  String value(String flag, String fallback) {
    return values.string(flag, fallback);
  }

  /** The value of {@code flag} as a path, else {@code fallback}. */
  Path path(String flag, Path fallback) {
    return values.path(flag, fallback);
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
