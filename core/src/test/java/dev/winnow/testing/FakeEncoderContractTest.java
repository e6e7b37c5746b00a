package dev.winnow.testing;

import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** The test-jar's own fakes keep the contracts they stand in for. */
class FakeEncoderContractTest extends EncoderContract<FakeEncoder> {
  @Override
  protected FakeEncoder create() {
    return new FakeEncoder(16);
  }

  @Override
  protected List<Executable> otherMethods(FakeEncoder closed) {
    return List.of(() -> closed.encode(List.of("x", "y")));
  }
}
