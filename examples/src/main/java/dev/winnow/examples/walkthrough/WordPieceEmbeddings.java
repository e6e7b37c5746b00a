package dev.winnow.examples.walkthrough;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.winnow.Similarity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A BERT model's input embedding table ({@code embeddings.word_embeddings.weight}): one static vector per word
 * piece, the same in every sentence, before any attention layer. Read from a Hugging Face directory's
 * {@code model.safetensors} (F32) and {@code vocab.txt} (line i = id i). Immutable and thread-safe.
 */
final class WordPieceEmbeddings {
  static final String TENSOR = "embeddings.word_embeddings.weight";

  private final List<String> vocab;
  private final float[][] rows;

  private WordPieceEmbeddings(List<String> vocab, float[][] rows) {
    this.vocab = vocab;
    this.rows = rows;
  }

  /**
   * Loads the table from {@code dir/model.safetensors} and {@code dir/vocab.txt}.
   *
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if the tensor is missing, not F32 2-D, or its row count differs from the
   *     vocabulary's size
   */
  static WordPieceEmbeddings load(Path dir) throws IOException {
    Path file = dir.resolve("model.safetensors");
    List<String> vocab = Files.readAllLines(dir.resolve("vocab.txt"), StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // safetensors: u64 little-endian header length, a JSON header, then the raw tensor bytes
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(len, 0);
      long headerLength = len.flip().getLong();
      if (headerLength <= 0 || headerLength > 100_000_000L) {
        throw new IllegalArgumentException(file + ": implausible safetensors header length " + headerLength);
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      ch.read(header, 8);
      JsonObject tensors = JsonParser.parseString(new String(header.array(), StandardCharsets.UTF_8))
          .getAsJsonObject();
      JsonObject t = tensors.getAsJsonObject(TENSOR);
      if (t == null || !"F32".equals(t.get("dtype").getAsString()) || t.getAsJsonArray("shape").size() != 2) {
        throw new IllegalArgumentException(file + ": no F32 2-D tensor " + TENSOR);
      }
      int n = t.getAsJsonArray("shape").get(0).getAsInt();
      int dim = t.getAsJsonArray("shape").get(1).getAsInt();
      if (n != vocab.size()) {
        throw new IllegalArgumentException(file + ": " + n + " rows but vocab.txt has " + vocab.size() + " lines");
      }
      long start = 8 + headerLength + t.getAsJsonArray("data_offsets").get(0).getAsLong();
      FloatBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, start, (long) n * dim * Float.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[][] rows = new float[n][dim];
      for (float[] row : rows) {
        data.get(row);
      }
      return new WordPieceEmbeddings(List.copyOf(vocab), rows);
    }
  }

  /** The static vector of word piece {@code id} (a copy). */
  float[] vector(long id) {
    return rows[Math.toIntExact(id)].clone();
  }

  /** The id of a word piece. @throws IllegalArgumentException if it is not in the vocabulary */
  int id(String piece) {
    int i = vocab.indexOf(piece);
    if (i < 0) {
      throw new IllegalArgumentException("'" + piece + "' is not a word piece of this vocabulary");
    }
    return i;
  }

  /**
   * The {@code k} word pieces whose static vectors are nearest (cosine) to that of {@code id}, itself, the
   * {@code [unused*]} placeholders and special tokens excluded.
   */
  List<WordVectors.Neighbour> nearest(long id, int k) {
    float[] q = rows[Math.toIntExact(id)];
    List<WordVectors.Neighbour> all = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      String piece = vocab.get(i);
      if (i == id || piece.startsWith("[")) {
        continue;
      }
      all.add(new WordVectors.Neighbour(piece, Similarity.COSINE.score(q, rows[i])));
    }
    all.sort((a, b) -> Double.compare(b.cosine(), a.cosine()));
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }
}
