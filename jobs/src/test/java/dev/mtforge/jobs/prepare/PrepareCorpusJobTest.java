package dev.mtforge.jobs.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.readers.InputFormatException;
import dev.mtforge.udfs.readers.SourceFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The prepare job on every sample layout: one run, queried with SQL, then a re-run and a failed run. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrepareCorpusJobTest {
  static final Path SAMPLES = SparkTestSession.repoRoot().resolve("sample-data/prepare");
  private static final String DB = "prepare_job_test";
  private static SparkSession spark;
  private static Warehouse warehouse;
  private static PrepareCorpusJob.Result first;

  static PrepareCorpusJob allSamples(Warehouse warehouse, String runId) {
    PrepareCorpusJob job = new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start(runId));
    for (SourceFormat format : SourceFormat.values()) {
      job.source(format, SAMPLES.resolve(format.label()).toString());
    }
    return job;
  }

  static List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  @BeforeAll
  static void prepareOnce() {
    spark = SparkTestSession.get();
    warehouse = Warehouse.open(spark, SparkTestSession.newFolder("prepare").toString(), DB);
    first = allSamples(warehouse, "run-1").execute();
  }

  @Test
  @Order(1)
  void resultCountsEveryRowAndEveryRejection() {
    // 20 lines x 6 languages x 2 Flores splits, 5 x 2 x 2 FLORES+, 8 x 3 NTREX, 6 + 6 wmt-txt, 5 SGML,
    // 4 + 8 XML, 17 ALMA, 12 X-ALMA.
    assertThat(first.rowsRead()).isEqualTo(342);
    assertThat(first.rejectedByReason()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "duplicate", 2L, "empty", 2L, "length_ratio", 1L, "same_text", 1L, "wrong_script", 3L,
        "wrong_language", 2L, "contamination", 4L));
    assertThat(first.contaminationByTestSet())
        .containsExactlyInAnyOrderEntriesOf(Map.of("flores200/devtest", 3L, "newstest2019/test", 1L));
    assertThat(first.sentencesInserted()).isEqualTo(611);
    assertThat(first.systemOutputsInserted()).isEqualTo(14);
  }

  @Test
  @Order(2)
  void multiWayDataYieldsBothDirectionsAligned() {
    assertThat(rows("SELECT direction, count(*) FROM " + DB + ".parallel_sentences WHERE dataset = 'flores200'"
        + " AND split = 'dev' AND 'hi' IN (src_lang, tgt_lang) GROUP BY direction ORDER BY direction"))
        .containsExactly("[en-xx,20]", "[xx-en,20]");
    assertThat(rows("SELECT src_lang, tgt_lang, src_text, tgt_text, group_ids, resource_level FROM " + DB
        + ".parallel_sentences WHERE dataset = 'flores200' AND split = 'devtest' AND seg_id = 18"
        + " AND 'de' IN (src_lang, tgt_lang) ORDER BY src_lang"))
        .containsExactly(
            "[de,en,Die alte Uhr auf dem Platz ist wieder stehen geblieben.,The old clock in the square has stopped working again.,WrappedArray(1),High]",
            "[en,de,The old clock in the square has stopped working again.,Die alte Uhr auf dem Platz ist wieder stehen geblieben.,WrappedArray(1),High]");
    assertThat(rows("SELECT src_lang, count(*) FROM " + DB + ".parallel_sentences WHERE dataset = 'ntrex128'"
        + " AND direction = 'xx-en' GROUP BY src_lang ORDER BY src_lang"))
        .containsExactly("[de,8]", "[sr,8]", "[zh,8]");
    // The sample is laid out like the NTREX-128 repository: DOCUMENT_IDS.tsv gives the doc ids,
    // README, LICENSE, LANGUAGES.tsv and the variants prepare does not read are skipped.
    assertThat(rows("SELECT doc_id, array_sort(collect_list(seg_id)) FROM " + DB + ".parallel_sentences WHERE dataset = 'ntrex128'"
        + " AND src_lang = 'zh' GROUP BY doc_id ORDER BY min(seg_id)"))
        .containsExactly("[sample.committee,WrappedArray(1)]", "[sample.traffic,WrappedArray(2, 3)]",
            "[sample.shops,WrappedArray(4)]", "[sample.weather,WrappedArray(5, 6)]", "[sample.music,WrappedArray(7)]",
            "[sample.transport,WrappedArray(8)]");
  }

  @Test
  @Order(3)
  void testSetsKeepTheirDirectionAndReferences() {
    assertThat(rows("SELECT dataset, src_lang, tgt_lang, direction, count(*), count(extra_refs) FROM " + DB
        + ".parallel_sentences WHERE split = 'test' GROUP BY 1, 2, 3, 4 ORDER BY 1"))
        .containsExactly("[newstest2019,en,cs,en-xx,5,0]", "[wmt22,de,en,xx-en,6,6]", "[wmttest2022,en,ru,en-xx,4,4]");
    assertThat(rows("SELECT doc_id, tgt_text, extra_refs FROM " + DB + ".parallel_sentences"
        + " WHERE dataset = 'wmttest2022' AND seg_id = 4"))
        .containsExactly("[social_shop,Магазин открыт в воскресенье и понедельник?,"
            + "WrappedArray(Работает ли магазин в воскресенье & понедельник?)]");
    assertThat(rows("SELECT system, count(*) FROM " + DB + ".wmt_system_outputs GROUP BY system ORDER BY system"))
        .containsExactly("[Alpha,4]", "[Beta,4]", "[SysOne,6]");
  }

  @Test
  @Order(4)
  void rejectedPairsCarryTheirReason() {
    assertThat(rows("SELECT dataset, seg_id, reason, detail FROM " + DB + ".rejected_pairs ORDER BY dataset, seg_id, src_lang"))
        .containsExactly(
            "[alma,4,duplicate,same as alma/train seg 1]",
            "[alma,5,empty,cs side]",
            "[alma,6,length_ratio,length 4 vs 98 (ratio 24.50 > 3.00)]",
            "[alma,7,same_text,source equals target]",
            "[alma,8,wrong_script,expected cs, found script Cyrl]",
            "[alma,9,wrong_language,expected cs, detected de (lingua 1.00 vs 0.63)]",
            "[alma,10,contamination,found in flores200/devtest]",
            "[alma,11,contamination,found in flores200/devtest]",
            "[alma,14,contamination,found in newstest2019/test]",
            "[alma,15,wrong_language,expected en, detected fr (lingua 1.00 vs 0.77)]",
            "[xalma,2,wrong_script,expected gl, found script Cyrl]",
            "[xalma,4,duplicate,same as xalma/train seg 2]",
            "[xalma,5,wrong_script,expected de, found script Cyrl]",
            "[xalma,6,contamination,found in flores200/devtest]",
            "[xalma,8,empty,de side]");
    // Kept training pairs: 15 - 10 ALMA, 8 - 4 + 4 - 1 X-ALMA, both directions.
    assertThat(rows("SELECT dataset, count(*) FROM " + DB + ".parallel_sentences WHERE split = 'train'"
        + " AND dataset IN ('alma', 'xalma') GROUP BY dataset ORDER BY dataset"))
        .containsExactly("[alma,10]", "[xalma,14]");
  }

  @Test
  @Order(5)
  void dataStatsDescribeEachDirection() {
    assertThat(rows("SELECT direction, pairs, rejected, src_words, tgt_words FROM " + DB + ".data_stats"
        + " WHERE dataset = 'alma' AND split = 'train' ORDER BY direction"))
        .containsExactly("[en-xx,5,10,35,28]", "[xx-en,5,10,28,35]");
    assertThat(rows("SELECT count(*), sum(pairs) FROM " + DB + ".data_stats")).containsExactly("[49,611]");
  }

  @Test
  @Order(6)
  void reRunChangesNothing() {
    PrepareCorpusJob.Result again = allSamples(warehouse, "run-2").execute();
    assertThat(again.sentencesInserted()).isZero();
    assertThat(again.rejectedInserted()).isZero();
    assertThat(again.systemOutputsInserted()).isZero();
    assertThat(again.statsChanged()).isZero();
    assertThat(again.rejectedByReason()).isEqualTo(first.rejectedByReason());
    for (String table : List.of("parallel_sentences", "rejected_pairs", "wmt_system_outputs", "data_stats")) {
      assertThat(rows("SELECT collect_set(run_id) FROM " + DB + "." + table)).as(table)
          .containsExactly("[WrappedArray(run-1)]");
    }
    assertThat(rows("SELECT count(*) FROM " + DB + ".parallel_sentences")).containsExactly("[611]");
  }

  @Test
  @Order(7)
  void misalignedInputFailsBeforeAnyWrite() throws IOException {
    Path bad = SparkTestSession.newFolder("misaligned");
    Files.writeString(bad.resolve("eng_Latn.dev"), "One.\nTwo.\nThree.\n");
    Files.writeString(bad.resolve("deu_Latn.dev"), "Eins.\nZwei.\n");
    PrepareCorpusJob job = new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("run-bad"))
        .source(SourceFormat.WMT_SGML, SAMPLES.resolve("wmt-sgml").toString())
        .source(SourceFormat.FLORES200, bad.toString())
        .option(PrepareCorpusJob.DATASET, "broken");
    assertThatThrownBy(job::execute)
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot align file:" + bad.resolve("deu_Latn.dev") + " (2 segments) with file:"
            + bad.resolve("eng_Latn.dev") + " (3 segments): aligned files must have the same number of segments");
    assertThat(rows("SELECT count(*) FROM " + DB + ".parallel_sentences WHERE run_id = 'run-bad' OR dataset = 'broken'"))
        .containsExactly("[0]");
  }

  @Test
  void optionsAreCheckedBeforeAnySparkWork() {
    PrepareCorpusJob job = new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("x"));
    assertThatThrownBy(() -> job.option("prepare.max-ratio", "2").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown option 'prepare.max-ratio' for prepare; known: [prepare.dataset,"
            + " prepare.language-check, prepare.language-min-letters, prepare.language-min-margin,"
            + " prepare.max-length-ratio, prepare.min-length-for-ratio, prepare.split,"
            + " prepare.split-sentences, prepare.test-splits, prepare.tokenizer, prepare.train-splits]");
    assertThatThrownBy(() -> new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("x"))
            .option(PrepareCorpusJob.LANGUAGE_CHECK, "medium").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid value 'medium' for prepare.language-check; known: high, low, off");
    PrepareCorpusJob overlapping = new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("x"))
        .option(PrepareCorpusJob.TRAIN_SPLITS, "train,test");
    assertThatThrownBy(overlapping::execute)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Split 'test' is in both prepare.train-splits and prepare.test-splits; a split is either"
            + " filtered or a test set");
  }
}
