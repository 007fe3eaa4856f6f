package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrepareCommandTest {
  private static final Path SAMPLES = SparkTestSession.repoRoot().resolve("sample-data/prepare");

  private static MtforgeCliTest.Run run(String... args) {
    SparkTestSession.get(); // the CLI joins the shared test session
    return MtforgeCliTest.run(args);
  }

  @Test
  void preparesAWmtSgmlTestSet() {
    String warehouse = SparkTestSession.newFolder("cli-prepare").toString();
    MtforgeCliTest.Run run = run("prepare", "--warehouse", warehouse, "--database", "prepare_cli_test", "--run-id", "cli-1",
        "--source", "wmt-sgml=" + SAMPLES.resolve("wmt-sgml"));
    assertThat(run.err()).isEmpty();
    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo(String.format(
        "Read 5 rows: 5 sentence rows inserted, 0 training pairs rejected, 0 system output rows inserted.%n"));
  }

  @Test
  void splitsParagraphLevelTestSetsIntoSentences() {
    String warehouse = SparkTestSession.newFolder("cli-split").toString();
    MtforgeCliTest.Run run = run("prepare", "--warehouse", warehouse, "--database", "prepare_cli_split", "--run-id", "cli-1",
        "--source", "wmt-xml=" + SAMPLES.resolve("wmt-xml-paragraphs"), "--split-sentences");
    assertThat(run.err()).isEmpty();
    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo(String.format(
        "Read 4 rows: 4 sentence rows inserted, 0 training pairs rejected, 0 system output rows inserted.%n"
            + "10 paragraph sentence rows inserted.%n"));
  }

  @Test
  void unknownFormatIsAUsageError() {
    MtforgeCliTest.Run run = run("prepare", "--source", "flores=data/flores");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines().findFirst()).contains("Invalid value for option '--source' (<format>=<path>):"
        + " Unknown source format 'flores'; known: flores200, flores-plus, ntrex128, wmt-txt, wmt-sgml, wmt-xml,"
        + " alma-json, xalma-parquet");
  }

  @Test
  void badOptionValueFoundByTheJobIsAUsageError() {
    // picocli accepts any string here; the job refuses it before reading anything
    MtforgeCliTest.Run run = run("prepare", "--warehouse", SparkTestSession.newFolder("cli-opt-wh").toString(),
        "--database", "prepare_cli_opt", "--source", "flores200=sample-data/prepare/flores200",
        "--language-check", "medium");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(String.format(
        "mtforge prepare: Invalid value 'medium' for prepare.language-check; known: high, low, off%n"));
  }

  @Test
  void languageCheckThresholdsAreUsageErrors() {
    String warehouse = SparkTestSession.newFolder("cli-thresholds-wh").toString();
    String[][] cases = {
      {"--language-min-margin", "1.5", "Option prepare.language-min-margin must be a number from 0 to 1, got '1.5'"},
      {"--language-min-letters", "-3", "Option prepare.language-min-letters must be a non-negative integer, got '-3'"},
      {"--max-length-ratio", "0.5", "Option prepare.max-length-ratio must be a number of at least 1, got '0.5'"},
    };
    for (String[] c : cases) {
      MtforgeCliTest.Run run = run("prepare", "--warehouse", warehouse, "--database", "prepare_cli_thresholds",
          "--source", "flores200=sample-data/prepare/flores200", c[0], c[1]);
      assertThat(run.code()).as(c[0]).isEqualTo(2);
      assertThat(run.err()).isEqualTo(String.format("mtforge prepare: %s%n", c[2]));
    }
  }

  @Test
  void helpDocumentsTheLanguageCheckOptions() {
    MtforgeCliTest.Run run = run("prepare", "--help");
    assertThat(run.code()).isZero();
    // picocli wraps the descriptions; compare with the line breaks and indentation collapsed
    assertThat(run.out().replaceAll("\\s+", " ")).contains("--language-min-letters=<n>", "(prepare.language-min-letters). Default: 12.",
        "--language-min-margin=<0..1>", "(prepare.language-min-margin). Default: 0.1.",
        "README, LICENSE, metadata) and languages not in the registry are");
  }

  @Test
  void misalignedInputExitsWithCode3() throws IOException {
    Path bad = SparkTestSession.newFolder("cli-bad");
    Files.writeString(bad.resolve("eng_Latn.devtest"), "One.\n");
    Files.writeString(bad.resolve("fra_Latn.devtest"), "Un.\nDeux.\n");
    MtforgeCliTest.Run run = run("prepare", "--warehouse", SparkTestSession.newFolder("cli-bad-wh").toString(),
        "--database", "prepare_cli_bad", "--source", "flores200=" + bad);
    assertThat(run.code()).isEqualTo(3);
    assertThat(run.err()).isEqualTo(String.format("mtforge prepare: Cannot align file:%s (2 segments) with file:%s"
        + " (1 segments): aligned files must have the same number of segments%n",
        bad.resolve("fra_Latn.devtest"), bad.resolve("eng_Latn.devtest")));
  }
}
