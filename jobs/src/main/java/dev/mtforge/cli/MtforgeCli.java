package dev.mtforge.cli;

import dev.mtforge.jobs.progress.CommandSummary;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code mtforge} command tree. Every subcommand is also a {@code spark-submit} main class.
 *
 * <pre>{@code bin/mtforge sql --format json "SELECT * FROM languages"}</pre>
 */
@Command(
    name = "mtforge",
    mixinStandardHelpOptions = true,
    versionProvider = MtforgeCli.Version.class,
    description = "Multilingual MT data preparation, inference, scoring and adapter merging on Spark and Delta.",
    subcommands = {
      DemoCommand.class,
      InitCommand.class,
      PrepareCommand.class,
      BuildTrainingCommand.class,
      SqlCommand.class,
      LanguagesCommand.class,
      TablesCommand.class,
      TranslateCommand.class,
      MergeCommand.class,
      RegisterAdaptersCommand.class,
      MergeGroupsCommand.class,
      ScoreCommand.class,
      EvaluateCommand.class,
      ImportTranslationsCommand.class,
      AnalyzeCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected failure (retrying may help)",
      "2:invalid command line or option value",
      "3:input data rejected (fix the data; retrying will not help)"
    })
public final class MtforgeCli implements Callable<Integer> {
  /** Exit code for rejected input data. */
  public static final int EXIT_INVALID_INPUT = 3;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  public static void main(String[] args) {
    int code = execute(args);
    if (System.getenv("DATABRICKS_RUNTIME_VERSION") != null) {
      // A Databricks JAR task runs main inside the cluster's driver JVM, which must not exit:
      // the task fails through an exception instead, and its run output names the code.
      failUnlessZero(code, args);
      return;
    }
    System.exit(code);
  }

  /** Throws {@link ExitCodeException} for a non-zero exit code (where the JVM must not exit). */
  static void failUnlessZero(int code, String... args) {
    if (code != 0) {
      throw new ExitCodeException(code, args.length > 0 ? args[0] : "");
    }
  }

  /** A command's non-zero exit code as an exception: {@code mtforge prepare exited with code 3 (…)}. */
  public static final class ExitCodeException extends RuntimeException {
    private final int code;

    ExitCodeException(int code, String command) {
      super("mtforge " + (command.isEmpty() ? "" : command + " ") + "exited with code " + code + " ("
          + switch (code) {
            case CommandLine.ExitCode.USAGE -> "invalid command line or option value";
            case EXIT_INVALID_INPUT -> "input data rejected: fix the data, retrying will not help";
            default -> "unexpected failure: retrying may help";
          } + "); the error is in the driver log");
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /** Runs a full {@code mtforge} command line and returns its exit code. */
  static int execute(String... args) {
    if (args.length > 0 && (args[0].equals("score") || args[0].equals("merge"))) {
      // the local one-shot commands must start fast: building the whole tree would load Spark
      // and log4j2 classes for the other subcommands' options, over a second of CPU first
      CommandLine command = commandLine(args[0].equals("score") ? new ScoreCommand() : new MergeCommand());
      command.setCommandName("mtforge " + args[0]);
      return command.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    return run(new MtforgeCli(), args);
  }

  /** Runs a command (the tree or one subcommand as its own main class) and returns its exit code. */
  public static int run(Object command, String... args) {
    return commandLine(command).execute(args);
  }

  /** A configured CommandLine: our exit code mapping, and case-sensitive options. */
  public static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    // picocli consults this mapper for usage errors too, so they must map to 2 here
    cli.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException || e instanceof InvalidOptionException
            ? CommandLine.ExitCode.USAGE
            : InvalidInputException.in(e) != null ? EXIT_INVALID_INPUT : CommandLine.ExitCode.SOFTWARE);
    // After a Spark command, one summary line of what it ran (SparkProgressLogger), also when it failed.
    cli.setExecutionStrategy(parseResult -> {
      boolean ok = false;
      try {
        int code = new CommandLine.RunLast().execute(parseResult);
        ok = code == 0;
        return code;
      } finally {
        CommandSummary.afterCommand(ok);
      }
    });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          InvalidInputException invalid = InvalidInputException.in(e);
          if (invalid != null) { // also one an executor threw, which reaches us inside a SparkException
            commandLine.getErr().println(programName(commandLine) + ": " + invalid.getMessage());
            return EXIT_INVALID_INPUT;
          }
          if (e instanceof IllegalArgumentException) {
            commandLine.getErr().println(programName(commandLine) + ": " + e.getMessage());
          } else {
            e.printStackTrace(commandLine.getErr());
          }
          return e instanceof InvalidOptionException ? CommandLine.ExitCode.USAGE : 1;
        });
    return cli;
  }

  /**
   * {@code mtforge score} for messages: the command's full name with the program name once, whether
   * it runs in the tree ({@code mtforge score}), under its own name ({@code mtforge score} set by
   * {@link #execute}) or as its own main class ({@code score}).
   */
  static String programName(CommandLine commandLine) {
    String name = commandLine.getCommandSpec().qualifiedName(" ");
    return name.equals("mtforge") || name.startsWith("mtforge ") ? name : "mtforge " + name;
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = MtforgeCli.class.getPackage().getImplementationVersion();
      return new String[] {"mtforge " + (version == null ? "(development build)" : version)};
    }
  }
}
