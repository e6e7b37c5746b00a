package dev.winnow.train;

import dev.winnow.encoders.Pooling;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** A tiny BERT (vocabulary of 96 word pieces, width 16) for fast tests. */
final class Tiny {
  private Tiny() {}

  static final BertConfig CONFIG = new BertConfig(96, 16, 2, 2, 32, 32, 2, 1e-12f, 0.1f, 0.1f);

  static final List<TrainingPair> PAIRS = List.of(
      new TrainingPair("who wrote the origin of species", "charles darwin wrote it in 1859"),
      new TrainingPair("what flew out of the cave", "the bat flew out at night"),
      new TrainingPair("who wrote on the origin", "darwin"),
      new TrainingPair("what is in the cave", "a bat"),
      new TrainingPair("when was the origin of species", "1859"),
      new TrainingPair("what flew at night", "the bat flew"),
      new TrainingPair("who is charles darwin", "he wrote the origin of species"),
      new TrainingPair("what is a bat", "a bat flew out of the cave at night"));

  static Path tokenizer() {
    try {
      return Path.of(Tiny.class.getResource("/tiny/tokenizer.json").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Tower tower(long seed) {
    return Tower.builder(CONFIG, tokenizer()).pooling(Pooling.MEAN).normalize(true).maxLength(32).seed(seed)
        .build();
  }
}
