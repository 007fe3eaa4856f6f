package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.analysis.AnalysisFixtures;
import dev.mtforge.jobs.translate.TranslateTestSetJobTest;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** import-translations, analyze and report through picocli: flags reach the jobs, errors get their exit codes. */
class AnalysisCommandsTest {

  @Test
  void importRejectsAMisalignedFileWithExitCode3() throws IOException {
    Warehouse warehouse = TranslateTestSetJobTest.warehouseWithTestSet("cli-import");
    Path hyp = Files.write(SparkTestSession.newFolder("cli-import-files").resolve("three.txt"), List.of("a", "b", "c"));
    String[] common = {"import-translations", "--warehouse", warehouse.location(), "--database", "cli_import",
        "--test-set", "sample:devtest", "--direction", "de-en", "--hyp", hyp.toString()};

    MtforgeCliTest.Run misaligned = MtforgeCliTest.run(concat(common, "--system-id", "three"));
    assertThat(misaligned.code()).isEqualTo(MtforgeCli.EXIT_INVALID_INPUT);
    assertThat(misaligned.err()).isEqualTo("mtforge import-translations: Cannot import " + hyp + ": it has 3 lines but"
        + " test set sample:devtest de-en has 4 segments in parallel_sentences (one hypothesis per segment, in seg_id"
        + " order)" + System.lineSeparator());

    MtforgeCliTest.Run noId = MtforgeCliTest.run(common);
    assertThat(noId.code()).isEqualTo(2);
    assertThat(noId.err()).startsWith("mtforge import-translations: Option import.system-id is required with import.hyp");
    assertThat(warehouse.spark().sql("SELECT count(*) FROM cli_import.translations").first().getLong(0)).isZero();
  }

  @Test
  void analyzeThenReportWriteTheTablesAndThePage() {
    AnalysisFixtures f = AnalysisFixtures.create("cli-analyze");
    f.scores("sep", "de", "en", AnalysisFixtures.baselineScores())
        .scores("multi", "de", "en", AnalysisFixtures.shifted(-0.05))
        .system("sep", SystemStrategy.SEPARATE, "tiny", List.of("de"), Map.of())
        .system("multi", SystemStrategy.MULTILINGUAL, "tiny", List.of("de", "fr"), Map.of())
        .write();
    String root = f.warehouse().location();
    String[] where = {"--warehouse", root, "--database", "cli_analyze"};

    MtforgeCliTest.Run noBaseline = MtforgeCliTest.run(concat(concat(new String[] {"analyze"}, where), "--systems", "multi"));
    assertThat(noBaseline.code()).isEqualTo(2);
    assertThat(noBaseline.err()).isEqualTo("mtforge analyze: Option analysis.baseline is required: the system to compare"
        + " with" + System.lineSeparator());

    MtforgeCliTest.Run noMetric = MtforgeCliTest.run(concat(concat(new String[] {"analyze"}, where), "--baseline", "sep",
        "--systems", "multi", "--metrics", "comet,bleu"));
    assertThat(noMetric.code()).isEqualTo(MtforgeCli.EXIT_INVALID_INPUT);
    assertThat(noMetric.err()).startsWith("mtforge analyze: Cannot analyze metric 'bleu': table system_scores has no pair"
        + " scores of it for systems sep, multi; metrics present: comet");

    MtforgeCliTest.Run ok = MtforgeCliTest.run(concat(concat(new String[] {"analyze"}, where), "--baseline", "sep",
        "--systems", "multi", "--metrics", "comet", "--run-id", "cli-analysis"));
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("1 pair comparisons against sep on comet")
        .contains("multi                flores200/devtest  comet     xx-en    -0.0500     1     0      1  conflict")
        .contains("Rows written (inserted, changed or deleted): {analysis_deltas=4, analysis_curves=4,"
            + " analysis_merge_cost=0, analysis_off_target=0}");

    MtforgeCliTest.Run report = MtforgeCliTest.run(concat(concat(new String[] {"report"}, where), "--out",
        SparkTestSession.newFolder("cli-report").toString()));
    assertThat(report.code()).as(report.err()).isZero();
    assertThat(report.out()).contains("Wrote the analysis against sep (4 charts) to ");
  }

  static String[] concat(String[] head, String... tail) {
    String[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
