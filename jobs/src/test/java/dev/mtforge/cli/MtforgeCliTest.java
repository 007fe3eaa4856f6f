package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MtforgeCliTest {

  /** Exit code, stdout and stderr of one CLI run inside this JVM. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = MtforgeCli.commandLine(new MtforgeCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void noSubcommandPrintsUsageWithExitCodes() {
    Run run = run();
    assertThat(run.code()).isZero();
    assertThat(run.out())
        .startsWith("Usage: mtforge [-hV] [COMMAND]")
        .contains("3   input data rejected (fix the data; retrying will not help)");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "demo", "init", "prepare", "build-training", "score", "evaluate", "import-translations", "analyze", "merge", "register-adapters",
    "merge-groups", "translate", "sql", "languages", "tables"
  })
  void everySubcommandExplainsItself(String command) {
    Run run = run(command, "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: mtforge " + command);
    assertThat(run.out().lines().skip(1).findFirst().orElse("")).isNotBlank();
  }

  /** A task that failed on bad input reaches the driver inside Spark's job failure. */
  @CommandLine.Command(name = "fails-on-an-executor")
  static final class FailsOnAnExecutor implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      throw new org.apache.spark.SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed",
          new dev.mtforge.schemas.InvalidInputException("Cannot read adapter.safetensors: tensor 'lora_A' ends past the file"));
    }
  }

  @Test
  void badInputAnExecutorReportedExitsThreeWithItsMessage() {
    CommandLine cli = MtforgeCli.commandLine(new FailsOnAnExecutor());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute()).isEqualTo(MtforgeCli.EXIT_INVALID_INPUT);
    assertThat(err.toString()).contains(": Cannot read adapter.safetensors: tensor 'lora_A' ends past the file")
        .doesNotContain("\tat ");
  }

  @Test
  void scoreRunsWithoutBuildingTheCommandTree() {
    java.io.PrintStream saved = System.out;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try {
      System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(MtforgeCli.execute("score", "--help")).isZero();
      assertThat(MtforgeCli.execute("score", "--no-such-flag")).isEqualTo(2);
    } finally {
      System.setOut(saved);
    }
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).startsWith("Usage: mtforge score ");
  }

  /** {@code execute} names score "mtforge score" for its usage line; errors must not double it. */
  @Test
  void scoreErrorsNameTheProgramOnce(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path ref = Files.writeString(dir.resolve("ref.txt"), "a\nb\n");
    Path hyp = Files.writeString(dir.resolve("hyp.txt"), "a\n");
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try {
      System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(MtforgeCli.execute("score", ref.toString(), "-i", hyp.toString())).isEqualTo(MtforgeCli.EXIT_INVALID_INPUT);
    } finally {
      System.setErr(saved);
    }
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("mtforge score: Cannot score " + hyp + ": it has 1 lines but reference " + ref + " has 2"
            + System.lineSeparator());
  }

  /** What a Databricks JAR task reports instead of an exit code (its JVM must not exit). */
  @Test
  void nonZeroExitCodesBecomeExceptionsNamingTheCode() {
    MtforgeCli.failUnlessZero(0, "init");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MtforgeCli.failUnlessZero(3, "prepare", "--source", "x"))
        .isInstanceOf(MtforgeCli.ExitCodeException.class)
        .hasMessage("mtforge prepare exited with code 3 (input data rejected: fix the data, retrying will not help);"
            + " the error is in the driver log");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run run = run("sql", "--formt", "json", "SELECT 1");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).startsWith("Unknown options: '--formt', 'SELECT 1'\nPossible solutions: --format");
  }

  @Test
  void unknownGroupIsRejectedInputNamingTheKnownGroups() {
    Run run = run("languages", "--group", "12");
    assertThat(run.code()).isEqualTo(MtforgeCli.EXIT_INVALID_INPUT);
    assertThat(run.err())
        .isEqualTo("mtforge languages: Unknown language group '12'; known: 1, 2, 3, 4, 5, 6, 7, 8"
            + System.lineSeparator());
  }

  @Test
  void tablesDocIsUpToDate() throws Exception {
    Path doc = SparkTestSession.repoRoot().resolve("docs/TABLES.md");
    assertThat(Files.readString(doc))
        .as("docs/TABLES.md is stale: regenerate with bin/mtforge tables --markdown > docs/TABLES.md")
        .isEqualTo(TablesCommand.markdown());
  }

  @Test
  void initThenSqlSeesTablesByName() {
    SparkTestSession.get(); // the CLI joins the shared test session (getOrCreate)
    String warehouse = SparkTestSession.newFolder("cli").toString();

    Run init = run("init", "--warehouse", warehouse, "--run-id", "cli-test");
    assertThat(init.code()).as(init.err()).isZero();
    assertThat(init.out()).contains(dev.mtforge.schemas.tables.Tables.ALL.size() + " tables created").contains("50 languages in the registry");
    Run again = run("init", "--warehouse", warehouse);
    assertThat(again.out()).contains("0 tables created []");

    Run json = run("sql", "--warehouse", warehouse, "--format", "json",
        "SELECT code, group_ids, run_id FROM languages WHERE code IN ('en', 'ka') ORDER BY code");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out().lines())
        .containsExactly(
            "{\"code\":\"en\",\"group_ids\":[1,2,3,4,5,6,7,8],\"run_id\":\"cli-test\"}",
            "{\"code\":\"ka\",\"group_ids\":[6],\"run_id\":\"cli-test\"}");

    Run table = run("sql", "--warehouse", warehouse,
        "SELECT group_ids[0] AS g, count(*) AS n FROM languages WHERE code <> 'en' GROUP BY 1 ORDER BY 1 LIMIT 2");
    assertThat(table.out()).isEqualTo("g | n\n--+--\n1 | 7\n2 | 6\n(2 rows)\n");

    Run csv = run("sql", "--warehouse", warehouse, "--format", "csv",
        "SELECT code, name FROM languages WHERE code = 'no'");
    assertThat(csv.out()).isEqualTo("code,name\nno,Norwegian\n");
  }

  /** --quiet: the result on stdout, no progress or summary logging (levels restored afterwards). */
  @Test
  void quietKeepsOnlyResults() {
    SparkTestSession.get();
    String warehouse = SparkTestSession.newFolder("quiet").toString();
    org.apache.logging.log4j.Level mtforge = org.apache.logging.log4j.LogManager.getLogger("dev.mtforge").getLevel();
    org.apache.logging.log4j.Level root = org.apache.logging.log4j.LogManager.getRootLogger().getLevel();
    try {
      Run quiet = run("sql", "--quiet", "--warehouse", warehouse, "--format", "csv", "SELECT 1 AS one");
      assertThat(quiet.code()).as(quiet.err()).isZero();
      assertThat(quiet.out()).isEqualTo("one\n1\n");
      assertThat(quiet.err()).isEmpty();
      // (a logger another test gave its own configuration keeps it: ask one that inherits dev.mtforge's)
      assertThat(org.apache.logging.log4j.LogManager.getLogger("dev.mtforge.cli.SparkOptions").isInfoEnabled())
          .isFalse();
      assertThat(org.apache.logging.log4j.LogManager.getLogger("org.apache.spark").isWarnEnabled()).isFalse();
    } finally {
      org.apache.logging.log4j.core.config.Configurator.setLevel("dev.mtforge", mtforge);
      org.apache.logging.log4j.core.config.Configurator.setRootLevel(root);
    }
  }
}
