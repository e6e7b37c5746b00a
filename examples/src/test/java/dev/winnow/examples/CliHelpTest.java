package dev.winnow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winnow.examples.cli.Flags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** bin/winnow's parser: --help for every subcommand, usage errors are exit status 2 naming the argument. */
class CliHelpTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everySubcommandHasHelpListingItsOptions() {
    for (Flags.Command c : Cli.commands()) {
      assertEquals(0, run(c.name(), "--help"), c.name() + ": " + err());
      assertTrue(out().startsWith("Usage: " + c.name()), out());
      assertTrue(out().contains(c.description().substring(0, 20)), out());
      for (Flags.Option o : c.options()) {
        assertTrue(out().contains(o.name()), c.name() + " help lacks " + o.name() + ":\n" + out());
      }
      assertEquals("", err(), c.name());
      assertEquals(0, run(c.name(), "-h"), c.name());
    }
  }

  @Test
  void topLevelHelpListsTheSubcommands() {
    assertEquals(0, run("--help"));
    for (Flags.Command c : Cli.commands()) {
      assertTrue(out().contains(c.name()), out());
    }
    assertEquals(2, run());
    assertTrue(err().contains("expected a subcommand"), err());
    assertEquals(2, run("serch"));
    assertTrue(err().contains("unknown subcommand 'serch'"), err());
  }

  @Test
  void unknownFlagsMissingValuesAndRepeatsAreUsageErrors() {
    assertEquals(2, run("search", "--retriever", "r", "--bogus", "x"));
    assertTrue(err().startsWith("winnow search: unknown argument '--bogus'; usage: search "), err());
    assertTrue(err().contains("--retriever DIR") && err().contains("search --help"), err());
    assertEquals(2, run("embed", "--model"));
    assertTrue(err().contains("--model needs a value"), err());
    assertEquals(2, run("embed", "--model", "minilm", "--model", "bge-small"));
    assertTrue(err().contains("--model given twice"), err());
    assertEquals(2, run("index", "stray"));
    assertTrue(err().contains("unknown argument 'stray'"), err());
    assertEquals(2, run("index", "--out", "o"));
    assertTrue(err().contains("missing --corpus"), err());
    assertEquals(2, run("search", "--retriever", "r", "--k", "zero"));
    assertTrue(err().contains("--k must be an integer, got 'zero'"), err());
    assertEquals("", out(), "usage errors print nothing on stdout");
  }
}
