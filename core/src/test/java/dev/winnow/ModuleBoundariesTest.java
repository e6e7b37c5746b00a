package dev.winnow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build check of the rule "a module's {@code internal} package is for that module alone" (STYLE.md 10b).
 * Winnow has no {@code module-info}, so nothing else enforces it; this test scans the sources of every module of
 * the checkout and fails on any reference, in main or test code, to an {@code .internal} package that the
 * referring module's own main sources do not declare. It lives in core because every reactor build
 * ({@code mvn -pl X -am}) builds core.
 *
 * <p>Comments and string literals are ignored; imports, fully qualified names and package declarations count.
 */
class ModuleBoundariesTest {
  /**
   * Known violations the build tolerates, module -> internal package it may still reach. Empty: issue 11 removed
   * the last ones (bench's index benchmarks now use the public {@code dev.winnow.index.Kernels}). Keep it empty.
   */
  static final Map<String, Set<String>> ALLOWED_UNTIL_ISSUE_11 = Map.of();

  private static final Pattern INTERNAL_REF =
      Pattern.compile("\\bdev\\.winnow(?:\\.[A-Za-z_][A-Za-z0-9_]*)*?\\.internal\\b");
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  @Test
  void noModuleReachesIntoAnotherModulesInternalPackage() {
    Path root = projectRoot();
    List<Violation> found = scan(root);
    List<String> errors = new ArrayList<>();
    Set<String> used = new TreeSet<>();
    for (Violation v : found) {
      if (ALLOWED_UNTIL_ISSUE_11.getOrDefault(v.module, Set.of()).contains(v.internalPackage)) {
        used.add(v.module + " -> " + v.internalPackage);
      } else {
        errors.add(v.toString());
      }
    }
    ALLOWED_UNTIL_ISSUE_11.forEach((m, pkgs) -> pkgs.forEach(p -> {
      if (!used.contains(m + " -> " + p)) {
        System.err.println("ModuleBoundariesTest: allowlist entry " + m + " -> " + p
            + " matches nothing any more; remove it from ALLOWED_UNTIL_ISSUE_11");
      }
    }));
    if (!errors.isEmpty()) {
      fail(errors.size() + " reference(s) to another module's internal package (share a public, documented"
          + " type instead; STYLE.md 10b):\n  " + String.join("\n  ", errors));
    }
  }

  @Test
  void theScanFindsImportsQualifiedNamesAndSplitPackagesButNotComments(@TempDir Path tmp) throws IOException {
    write(tmp.resolve("a/src/main/java/dev/winnow/a/internal/Secret.java"), "package dev.winnow.a.internal;\n"
        + "public class Secret {}\n");
    write(tmp.resolve("a/src/main/java/dev/winnow/a/Api.java"), "package dev.winnow.a;\n"
        + "import dev.winnow.a.internal.Secret; // own module: fine\n class Api {}\n");
    write(tmp.resolve("b/src/main/java/dev/winnow/b/Uses.java"), "package dev.winnow.b;\n"
        + "import dev.winnow.a.internal.Secret;\n"
        + "/** see {@code dev.winnow.a.internal} */ class Uses { String s = \"dev.winnow.a.internal.X\"; }\n");
    write(tmp.resolve("b/src/test/java/dev/winnow/b/UsesTest.java"), "package dev.winnow.b;\n"
        + "class UsesTest { Object o = new dev.winnow.a.internal.Secret(); }\n");
    write(tmp.resolve("c/src/test/java/dev/winnow/a/internal/Sneaky.java"), "package dev.winnow.a.internal;\n"
        + "class Sneaky {}\n");
    List<Violation> v = scan(tmp);
    assertEquals(List.of("b/src/main/java/dev/winnow/b/Uses.java:2", "b/src/test/java/dev/winnow/b/UsesTest.java:2",
        "c/src/test/java/dev/winnow/a/internal/Sneaky.java:1"),
        v.stream().map(x -> x.file + ":" + x.line).toList());
    assertTrue(v.stream().allMatch(x -> x.internalPackage.equals("dev.winnow.a.internal")), v.toString());
  }

  /** A reference from {@code file} (relative to the root) of {@code module} to {@code internalPackage}. */
  record Violation(String module, String file, int line, String internalPackage) {
    @Override
    public String toString() {
      return file + ":" + line + " (module " + module + ") uses " + internalPackage;
    }
  }

  /** Every cross-module internal reference under {@code root}, in file order. */
  static List<Violation> scan(Path root) {
    Map<Path, List<Path>> sources = new TreeMap<>(); // module dir -> java files
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p) && !skipped(root, p))
          .forEach(p -> {
            Path module = moduleOf(root, p);
            if (module != null) {
              sources.computeIfAbsent(module, k -> new ArrayList<>()).add(p);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Path, Set<String>> mainPackages = new TreeMap<>();
    Map<Path, String> code = new TreeMap<>();
    sources.forEach((module, files) -> {
      Set<String> pkgs = new TreeSet<>();
      for (Path f : files) {
        String c = stripCommentsAndStrings(read(f));
        code.put(f, c);
        Matcher m = PACKAGE.matcher(c);
        if (m.find() && isMain(module, f)) {
          pkgs.add(m.group(1));
        }
      }
      mainPackages.put(module, pkgs);
    });
    List<Violation> out = new ArrayList<>();
    sources.forEach((module, files) -> {
      Set<String> own = mainPackages.get(module);
      String name = root.relativize(module).toString().replace('\\', '/');
      for (Path f : files) {
        String c = code.get(f);
        Matcher m = INTERNAL_REF.matcher(c);
        while (m.find()) {
          String pkg = m.group();
          boolean owned = own.stream().anyMatch(p -> p.equals(pkg) || p.startsWith(pkg + "."));
          if (!owned) {
            int line = 1 + (int) c.substring(0, m.start()).chars().filter(ch -> ch == '\n').count();
            out.add(new Violation(name, root.relativize(f).toString().replace('\\', '/'), line, pkg));
          }
        }
      }
    });
    out.sort((a, b) -> a.file.equals(b.file) ? Integer.compare(a.line, b.line) : a.file.compareTo(b.file));
    return out;
  }

  private static boolean skipped(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      String s = part.toString();
      if (s.equals("target") || s.startsWith(".") || s.equals("cache") || s.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  /** The folder holding the {@code src} that contains {@code file}, or null outside {@code src/main|test/java}. */
  private static Path moduleOf(Path root, Path file) {
    for (Path p = file.getParent(); p != null && p.startsWith(root); p = p.getParent()) {
      if (p.getFileName() != null && p.getFileName().toString().equals("java") && p.getParent() != null
          && p.getParent().getParent() != null && p.getParent().getParent().getFileName().toString().equals("src")) {
        return p.getParent().getParent().getParent();
      }
    }
    return null;
  }

  private static boolean isMain(Path module, Path file) {
    return file.startsWith(module.resolve("src").resolve("main"));
  }

  /** Java source with comments and string/char literals blanked out; line breaks kept. */
  static String stripCommentsAndStrings(String s) {
    StringBuilder b = new StringBuilder(s.length());
    int i = 0;
    int n = s.length();
    while (i < n) {
      char ch = s.charAt(i);
      if (ch == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
      } else if (ch == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        s.substring(i, end).chars().filter(c -> c == '\n').forEach(c -> b.append('\n'));
        i = end;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        end = end < 0 ? n : end + 3;
        s.substring(i, end).chars().filter(c -> c == '\n').forEach(c -> b.append('\n'));
        b.append("\"\"");
        i = end;
      } else if (ch == '"' || ch == '\'') {
        i++;
        while (i < n && s.charAt(i) != ch && s.charAt(i) != '\n') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        b.append(ch).append(ch);
      } else {
        b.append(ch);
        i++;
      }
    }
    return b.toString();
  }

  private static Path projectRoot() {
    String prop = System.getProperty("winnow.root");
    List<Path> starts = new ArrayList<>();
    if (prop != null && !prop.isBlank()) {
      starts.add(Path.of(prop));
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
        Path pom = p.resolve("pom.xml");
        if (Files.isRegularFile(pom) && read(pom).contains("<module>core</module>")) {
          return p;
        }
      }
    }
    throw new IllegalStateException("cannot find the winnow-parent folder from " + starts);
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path f, String text) throws IOException {
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }
}
