package dev.winnow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.testing.EncoderContract;
import dev.winnow.testing.FakeEncoder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query side of {@link DualEncoder#withPrefixes} is an {@link Encoder} of its own and keeps the contract. */
class PrefixedEncoderContractTest extends EncoderContract<Encoder> {
  @Override
  protected Encoder create() {
    Encoder e = DualEncoder.withPrefixes(new FakeEncoder(16), "query: ", "passage: ").queries();
    assertTrue(e instanceof PrefixedEncoder, e.getClass().getName());
    return e;
  }

  @Test
  void thePrefixIsApplied() {
    FakeEncoder fake = new FakeEncoder(16);
    try (Encoder e = PrefixedEncoder.of(fake, "query: ", "prefix")) {
      assertArrayEquals(fake.vector("query: dune"), e.encode("dune"), 0f);
      assertTrue(e.modelId().endsWith(";prefix=query: "), e.modelId());
    }
  }
}
