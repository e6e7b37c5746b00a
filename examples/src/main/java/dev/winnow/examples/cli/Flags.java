package dev.winnow.examples.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The one command-line parser of Winnow's mains, on picocli: the product CLI ({@code bin/winnow}, one
 * {@link Command} per subcommand) and the walkthrough mains declare their options here and get the same rules.
 *
 * <pre>{@code
 * static final Flags.Command EMBED = Flags.command("embed", "stdin lines -> JSON lines {\"text\", \"vector\"}")
 *     .value("--model", "NAME", "bundled model: minilm, minilm-q, bge-small, e5-small")
 *     .flag("--lenient", "skip malformed lines");
 * Flags f = EMBED.parse(args);             // Flags.UsageError or Flags.HelpRequested
 * String model = f.string("--model", "minilm");
 * }</pre>
 *
 * <p>Rules: options are {@code --name VALUE} or boolean {@code --name}; {@code -h}/{@code --help} prints the
 * command's usage ({@link HelpRequested}); an unknown option or stray argument, a missing value and an option
 * given twice are {@link UsageError}s whose messages name the argument. Values are strings, checked by the
 * command that reads them. A {@link Command} is immutable once built and thread-safe to parse with; parse
 * results are immutable.
 */
public final class Flags {
  private final Map<String, String> values;
  private final List<String> flags;

  private Flags(Map<String, String> values, List<String> flags) {
    this.values = values;
    this.flags = flags;
  }

  /** A bad command line; the message names the argument and the rule. */
  public static final class UsageError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /** {@code --help} was given; {@link #getMessage()} is the usage text to print on stdout (then exit 0). */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested(String usage) {
      super(usage, null, false, false);
    }
  }

  /** One declared option: {@code label} is null for a boolean flag. */
  public record Option(String name, String label, String description) {
    public Option {
      if (name == null || !name.startsWith("--")) {
        throw new IllegalArgumentException("option names start with --, got " + name);
      }
    }
  }

  /** Starts declaring a command. */
  public static Command command(String name, String description) {
    return new Command(name, description, List.of());
  }

  /** A command's declared options. Each method returns a new command (immutable). */
  public static final class Command {
    private final String name;
    private final String description;
    private final List<Option> options;

    private Command(String name, String description, List<Option> options) {
      this.name = name;
      this.description = description;
      this.options = List.copyOf(options);
    }

    /** Adds {@code --name LABEL}. */
    public Command value(String option, String label, String help) {
      return with(List.of(new Option(option, label, help)));
    }

    /** Adds the boolean {@code --name}. */
    public Command flag(String option, String help) {
      return with(List.of(new Option(option, null, help)));
    }

    /** Adds a group of options (shared by several commands). */
    public Command with(List<Option> more) {
      List<Option> all = new ArrayList<>(options);
      all.addAll(more);
      return new Command(name, description, all);
    }

    /** The command's name. */
    public String name() {
      return name;
    }

    /** One line saying what the command does. */
    public String description() {
      return description;
    }

    /** The declared options, in order. */
    public List<Option> options() {
      return options;
    }

    /** The picocli model of this command (for help listings). */
    public CommandSpec spec() {
      CommandSpec spec = CommandSpec.create().name(name);
      spec.usageMessage().description(description).sortOptions(false);
      spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.")
          .build());
      for (Option o : options) {
        OptionSpec.Builder b = OptionSpec.builder(o.name()).description(o.description() == null ? "" : o.description());
        if (o.label() == null) {
          b.type(boolean.class).arity("0");
        } else {
          b.type(String.class).arity("1").paramLabel(o.label());
        }
        spec.addOption(b.build());
      }
      return spec;
    }

    /** The usage text {@code --help} prints. */
    public String usage() {
      return new CommandLine(spec()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /**
     * Parses {@code args}.
     *
     * @throws UsageError naming the bad argument
     * @throws HelpRequested when {@code -h} or {@code --help} is given
     */
    public Flags parse(String[] args) {
      CommandLine cl = new CommandLine(spec());
      ParseResult r;
      try {
        r = cl.parseArgs(args);
      } catch (CommandLine.UnmatchedArgumentException e) {
        throw new UsageError("unknown argument '" + e.getUnmatched().get(0) + "'");
      } catch (CommandLine.MissingParameterException e) {
        throw new UsageError(nameOf(e.getMissing().get(0)) + " needs a value");
      } catch (CommandLine.OverwrittenOptionException e) {
        throw new UsageError(nameOf(e.getOverwritten()) + " given twice");
      } catch (CommandLine.ParameterException e) {
        throw new UsageError(e.getMessage());
      }
      if (r.isUsageHelpRequested()) {
        throw new HelpRequested(cl.getUsageMessage(CommandLine.Help.Ansi.OFF));
      }
      Map<String, String> values = new LinkedHashMap<>();
      List<String> flags = new ArrayList<>();
      for (Option o : options) {
        if (r.hasMatchedOption(o.name())) {
          if (o.label() == null) {
            flags.add(o.name());
          } else {
            values.put(o.name(), r.matchedOptionValue(o.name(), (String) null));
          }
        }
      }
      return new Flags(values, flags);
    }

    private static String nameOf(ArgSpec a) {
      return a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
    }
  }

  /** The value of {@code option}, else {@code fallback}. */
  public String string(String option, String fallback) {
    return values.getOrDefault(option, fallback);
  }

  /** The value of {@code option} as a path, else {@code fallback}. */
  public Path path(String option, Path fallback) {
    String v = values.get(option);
    return v == null ? fallback : Path.of(v);
  }

  /** Whether the boolean {@code option} was given. */
  public boolean flag(String option) {
    return flags.contains(option);
  }

  /** Whether {@code option} was given, with or without a value. */
  public boolean has(String option) {
    return values.containsKey(option) || flags.contains(option);
  }

  /** Lists commands with their one-line descriptions, for a program's top-level {@code --help}. */
  public static String overview(String program, String description, List<Command> commands) {
    CommandSpec top = CommandSpec.create().name(program);
    top.usageMessage().description(description);
    top.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.")
        .build());
    for (Command c : commands) {
      top.addSubcommand(c.name(), c.spec());
    }
    return new CommandLine(top).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }
}
