package dev.mtforge.cli;

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
    System.exit(execute(args));
  }

  /** Runs a full {@code mtforge} command line and returns its exit code. */
  static int execute(String... args) {
    if (args.length > 0 && args[0].equals("score")) {
      // score must start fast: building the whole tree would load Spark and log4j2 classes for
      // the other subcommands' options, over a second of CPU before the first line is read
      CommandLine score = commandLine(new ScoreCommand());
      score.setCommandName("mtforge score");
      return score.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
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
            : e instanceof InvalidInputException ? EXIT_INVALID_INPUT : CommandLine.ExitCode.SOFTWARE);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("mtforge " + commandLine.getCommandName() + ": " + e.getMessage());
          } else {
            e.printStackTrace(commandLine.getErr());
          }
          if (e instanceof InvalidOptionException) {
            return CommandLine.ExitCode.USAGE;
          }
          return e instanceof InvalidInputException ? EXIT_INVALID_INPUT : 1;
        });
    return cli;
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
