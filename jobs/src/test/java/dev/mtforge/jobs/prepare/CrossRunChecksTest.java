package dev.mtforge.jobs.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.readers.SourceFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Two runs into one warehouse: the second run's training data repeats a training pair and a test
 * sentence that only the first run stored. Both are caught, and re-running either run changes nothing.
 */
class CrossRunChecksTest {
  private static final String DB = "cross_run_test";
  private static final String P1 = "{\"translation\": {\"cs\": \"Na stole leží tři červená jablka.\", \"en\": \"Three red apples are lying on the table.\"}}";
  private static final String P2 = "{\"translation\": {\"cs\": \"Zítra pojedeme vlakem k moři.\", \"en\": \"Tomorrow we will take the train to the sea.\"}}";
  private static final String P3 = "{\"translation\": {\"cs\": \"Ten pes štěká na každého pošťáka.\", \"en\": \"That dog barks at every postman.\"}}";
  // The English side is the test sentence of the first run (flores200 devtest).
  private static final String P4 = "{\"translation\": {\"cs\": \"Hvězdáři našli malý měsíc u daleké planety.\", \"en\": \"Astronomers discovered a small moon orbiting a distant planet.\"}}";

  private static List<String> rows(SparkSession spark, String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  private static PrepareCorpusJob.Result run(Warehouse warehouse, String runId, SourceFormat format, Path dir, String dataset) {
    return new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start(runId))
        .source(format, dir.toString()).option(PrepareCorpusJob.DATASET, dataset).execute();
  }

  @Test
  void laterRunRejectsPairsAndTestSentencesStoredByEarlierRuns() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.open(spark, SparkTestSession.newFolder("cross-run").toString(), DB);
    Path test = SparkTestSession.newFolder("cross-test");
    Files.writeString(test.resolve("ces_Latn.devtest"), "Astronomové objevili malý měsíc obíhající vzdálenou planetu.\n");
    Files.writeString(test.resolve("eng_Latn.devtest"), "Astronomers discovered a small moon orbiting a distant planet.\n");
    Path first = SparkTestSession.newFolder("cross-first");
    Files.writeString(first.resolve("train.cs-en.json"), P1 + "\n" + P2 + "\n");
    Path second = SparkTestSession.newFolder("cross-second");
    Files.writeString(second.resolve("train.cs-en.json"), P3 + "\n" + P1 + "\n" + P4 + "\n");

    run(warehouse, "run-test", SourceFormat.FLORES200, test, "flores200");
    PrepareCorpusJob.Result one = run(warehouse, "run-1", SourceFormat.ALMA_JSON, first, "alma-a");
    assertThat(one.rejectedByReason()).isEmpty();
    PrepareCorpusJob.Result two = run(warehouse, "run-2", SourceFormat.ALMA_JSON, second, "alma-b");

    assertThat(two.rejectedByReason()).containsExactlyInAnyOrderEntriesOf(Map.of("duplicate", 1L, "contamination", 1L));
    assertThat(two.contaminationByTestSet()).containsExactlyInAnyOrderEntriesOf(Map.of("flores200/devtest", 1L));
    assertThat(rows(spark, "SELECT dataset, seg_id, reason, detail FROM " + DB + ".rejected_pairs ORDER BY seg_id"))
        .containsExactly(
            "[alma-b,2,duplicate,same as alma-a/train seg 1 (run run-1)]",
            "[alma-b,3,contamination,found in flores200/devtest]");
    assertThat(rows(spark, "SELECT dataset, seg_id FROM " + DB + ".parallel_sentences WHERE direction = 'xx-en'"
        + " AND split = 'train' ORDER BY dataset, seg_id"))
        .containsExactly("[alma-a,1]", "[alma-a,2]", "[alma-b,1]");

    // Re-runs: the stored rows are the pairs themselves, not earlier duplicates.
    PrepareCorpusJob.Result oneAgain = run(warehouse, "run-1b", SourceFormat.ALMA_JSON, first, "alma-a");
    assertThat(oneAgain.rejectedByReason()).isEmpty();
    assertThat(oneAgain.sentencesInserted()).isZero();
    PrepareCorpusJob.Result twoAgain = run(warehouse, "run-2b", SourceFormat.ALMA_JSON, second, "alma-b");
    assertThat(twoAgain.rejectedByReason()).isEqualTo(two.rejectedByReason());
    assertThat(twoAgain.sentencesInserted() + twoAgain.rejectedInserted()).isZero();
  }
}
