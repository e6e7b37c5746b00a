package dev.winnow.examples.walkthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertNull(Cli.parseOrUsage(new String[] {"-x"}, Set.of(), "usage: X", sink,
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals("unknown argument '-x'\nusage: X\n", err.toString(StandardCharsets.UTF_8).replace("\r", ""));
  }

  @Test
  void helpPrintsTheUsageAndTheFlagsAndExitsZero() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = StsPearson.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.startsWith(StsPearson.USAGE), help);
    assertTrue(help.contains("--data") && help.contains("--first") && help.contains("--help"), help);
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anUnknownFlagIsExitStatusTwoWithTheUsage() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = GloveAnalogies.run(new String[] {"--dta", "x"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(Cli.USAGE, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("unknown argument '--dta'"), err.toString());
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }
}
