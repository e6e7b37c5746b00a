package dev.winnow.encoders;

import dev.winnow.Encoder;
import dev.winnow.testing.FakeEncoder;
import java.nio.file.Files;
import java.nio.file.Path;

/** A test {@link EncoderProvider}: opens directories holding {@code fake-encoder.txt} as a 4-d fake encoder. */
public final class MarkerFileProvider implements EncoderProvider {
  @Override
  public String name() {
    return "test marker-file provider";
  }

  @Override
  public boolean canOpen(Path modelDir) {
    return Files.isRegularFile(modelDir.resolve("fake-encoder.txt"));
  }

  @Override
  public Encoder open(Path modelDir) {
    return new FakeEncoder(4);
  }
}
