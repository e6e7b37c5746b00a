package dev.winnow.examples.walkthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The walkthroughs' command-line contract, without models or data. */
class CliFlagsTest {
  @Test
  void flagsAreCheckedStrictly() {
    assertEquals("d", Cli.parse(new String[] {"--data", "d"}, Set.of("--data")).value("--data", "x"));
    assertEquals("x", Cli.parse(new String[0], Set.of("--data")).value("--data", "x"));
    assertThrows(IllegalArgumentException.class, () -> Cli.parse(new String[] {"--out", "f"}, Set.of("--data")));
    assertThrows(IllegalArgumentException.class, () -> Cli.parse(new String[] {"--data"}, Set.of("--data")));
    assertThrows(IllegalArgumentException.class,
        () -> Cli.parse(new String[] {"--data", "a", "--data", "b"}, Set.of("--data")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertNull(Cli.parseOrUsage(new String[] {"-x"}, Set.of(), "usage: X",
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals("unknown argument '-x'\nusage: X\n", err.toString(StandardCharsets.UTF_8).replace("\r", ""));
  }
}
