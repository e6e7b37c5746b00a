package dev.winnow.testing;

import dev.winnow.Encoder;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * Real sentences from {@code ../shared/data} in a fixed order (STS-B, WikiQA, NQ, SciFact title and abstract
 * sentences; de-duplicated) and their all-MiniLM-L6-v2 vectors, cached under {@code cache/vectors/}. The cache
 * holds the vectors of a prefix of that order; a request for fewer vectors reuses it, a request for more
 * re-encodes. Shared by the index module's recall IT and the benchmarks, which pass the real encoder
 * ({@code DjlEncoder::defaultModel}); this class has no model dependency itself.
 *
 * <p>Cache file: "WNVC", int version 1, int count, int dim, 32-byte SHA-256 of the first {@code count} texts
 * joined by '\n', then count*dim little-endian floats. Not thread-safe.
 */
public final class RealSentences {

  private RealSentences() {}

  /** All sentences in the canonical order. */
  public static List<String> load(Path data) throws IOException {
    Set<String> out = new LinkedHashSet<>();
    for (String f : List.of("sts-train.csv", "sts-dev.csv", "sts-test.csv")) {
      for (String line : Files.readAllLines(data.resolve("stsb").resolve(f), StandardCharsets.UTF_8)) {
        String[] p = line.split("\t");
        if (p.length >= 7) {
          add(out, p[5]);
          add(out, p[6]);
        }
      }
    }
    for (String f : List.of("WikiQA-train.tsv.gz", "WikiQA-dev.tsv.gz")) {
      try (BufferedReader r = gz(data.resolve("wikiqa").resolve(f))) {
        r.readLine();
        for (String line; (line = r.readLine()) != null; ) {
          String[] p = line.split("\t");
          if (p.length >= 6) {
            add(out, p[1]);
            add(out, p[5]);
          }
        }
      }
    }
    List<String> nq = Files.readAllLines(data.resolve("nq_sample").resolve("nq_sample.utf8fixed.tsv"),
        StandardCharsets.UTF_8);
    for (String line : nq.subList(1, nq.size())) {
      String[] p = line.split("\t");
      for (String s : p) {
        add(out, s);
      }
    }
    for (String line : Files.readAllLines(data.resolve("scifact").resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
      String title = jsonField(line, "title");
      String text = jsonField(line, "text");
      if (title != null) {
        add(out, title);
      }
      if (text != null) {
        for (String s : text.split("(?<=[.!?])\\s+(?=[A-Z])")) {
          add(out, s);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The unescaped string value of a top-level JSON field, or null. */
  private static String jsonField(String line, String name) {
    String key = "\"" + name + "\": \"";
    int start = line.indexOf(key);
    if (start < 0) {
      return null;
    }
    int i = start + key.length();
    int end = i;
    while (end < line.length() && line.charAt(end) != '"') {
      end += line.charAt(end) == '\\' ? 2 : 1;
    }
    return unescape(line.substring(i, Math.min(end, line.length())));
  }

  private static void add(Set<String> out, String s) {
    s = s.strip();
    if (s.length() >= 8) {
      out.add(s);
    }
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'n', 't', 'r' -> b.append(' ');
          case 'u' -> {
            if (i + 4 < s.length()) {
              b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
              i += 4;
            }
          }
          default -> b.append(n);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static BufferedReader gz(Path p) throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(p));
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** Vectors of the first {@code n} sentences, from the cache or encoded (and cached). */
  public static float[][] vectors(List<String> sentences, int n, Path cacheDir, Supplier<Encoder> encoderFactory)
      throws IOException {
    if (n > sentences.size()) {
      throw new IllegalArgumentException("asked for " + n + " vectors, only " + sentences.size() + " sentences");
    }
    Path file = cacheDir.resolve("minilm-real-sentences.f32");
    if (Files.exists(file)) {
      try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
        byte[] magic = in.readNBytes(4);
        int version = in.readInt();
        int count = in.readInt();
        int dim = in.readInt();
        byte[] sha = in.readNBytes(32);
        if (new String(magic, StandardCharsets.US_ASCII).equals("WNVC") && version == 1 && count >= n
            && count <= sentences.size() && MessageDigest.isEqual(sha, sha(sentences.subList(0, count)))) {
          float[][] out = new float[n][dim];
          byte[] row = new byte[dim * 4];
          for (int i = 0; i < n; i++) {
            in.readFully(row);
            ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out[i]);
          }
          return out;
        }
      }
    }
    float[][] out = new float[n][];
    long t0 = System.nanoTime();
    try (Encoder encoder = encoderFactory.get()) {
      int batch = 64;
      for (int i = 0; i < n; i += batch) {
        float[][] v = encoder.encode(sentences.subList(i, Math.min(n, i + batch)));
        System.arraycopy(v, 0, out, i, v.length);
        if ((i / batch) % 50 == 0) {
          System.err.printf("encoded %d/%d (%.0f s)%n", i + v.length, n, (System.nanoTime() - t0) / 1e9);
        }
      }
    }
    Files.createDirectories(cacheDir);
    Path tmp = cacheDir.resolve(file.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp);
        DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
      d.write("WNVC".getBytes(StandardCharsets.US_ASCII));
      d.writeInt(1);
      d.writeInt(n);
      d.writeInt(out[0].length);
      d.write(sha(sentences.subList(0, n)));
      ByteBuffer bb = ByteBuffer.allocate(out[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] v : out) {
        bb.clear();
        bb.asFloatBuffer().put(v);
        d.write(bb.array());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  static byte[] sha(List<String> texts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String t : texts) {
        md.update(t.getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
