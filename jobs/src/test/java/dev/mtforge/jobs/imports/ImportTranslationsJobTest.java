package dev.mtforge.jobs.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.jobs.systems.SystemsTable;
import dev.mtforge.jobs.translate.TranslateTestSetJobTest;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * import-translations on the ten-segment sample test set (de-en x4, en-de x2, fr-en x2, en-fr x2):
 * files aligned by seg_id, WMT submissions from wmt_system_outputs, and the inputs it refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportTranslationsJobTest {
  static final LanguageRegistry REGISTRY = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));
  private Warehouse warehouse;
  private Path dir;

  @BeforeAll
  void testSet() {
    warehouse = TranslateTestSetJobTest.warehouseWithTestSet("import-test");
    dir = SparkTestSession.newFolder("import-files");
    // SysOne covers de-en; en-de only half
    List<Row> wmt = List.of(
        wmt("SysOne", "de", "en", 1, "The house is small."), wmt("SysOne", "de", "en", 2, "We see the town."),
        wmt("SysOne", "de", "en", 3, "The river is old."), wmt("SysOne", "de", "en", 4, "New."),
        wmt("SysOne", "en", "de", 5, "Wir sehen die alte Stadt."));
    warehouse.insertNew(Tables.WMT_SYSTEM_OUTPUTS, RunContext.start("setup")
        .stamp(warehouse.spark().createDataFrame(wmt, Tables.WMT_SYSTEM_OUTPUTS.dataSchema()), "test"));
  }

  private static Row wmt(String system, String src, String tgt, int seg, String hyp) {
    return RowFactory.create(system, "sample", "devtest", src, tgt, null, seg, "source", hyp, "wmt.xml");
  }

  private ImportTranslationsJob job(String runId) {
    return new ImportTranslationsJob(warehouse, REGISTRY, RunContext.start(runId));
  }

  private long count(String where) {
    return warehouse.spark().sql("SELECT count(*) FROM import_test.translations WHERE " + where).first().getLong(0);
  }

  @Test
  void aFileOfOneLinePerSegmentBecomesASystemAndARerunAddsNothing() throws IOException {
    Path hyp = Files.write(dir.resolve("nllb.de-en.txt"),
        List.of("The house is small.  ", "We see the city.", "The river is old.", "Neu."));
    ImportTranslationsJob.Result r = job("import-1")
        .option(ImportTranslationsJob.SYSTEM_ID, "nllb")
        .option(ImportTranslationsJob.TEST_SET, "sample:devtest")
        .option(ImportTranslationsJob.DIRECTION, "de-en")
        .option(ImportTranslationsJob.HYP, hyp.toString())
        .option(ImportTranslationsJob.MODEL, "nllb-200-3.3B")
        .option(ImportTranslationsJob.TRAINING_LANGUAGES, "de, fr,de")
        .execute();
    assertThat(r).isEqualTo(new ImportTranslationsJob.Result("nllb", List.of("sample/devtest de-en: 4 segments"), 4, 4));
    List<Row> rows = warehouse.spark().sql("SELECT seg_id, hypothesis, direction, strategy, model, source,"
        + " off_target IS NOT NULL FROM import_test.translations WHERE system_id = 'nllb' ORDER BY seg_id").collectAsList();
    assertThat(rows).extracting(Row::toString).containsExactly(
        "[1,The house is small.,xx-en,external,nllb-200-3.3B,import:" + hyp + ",true]",
        "[2,We see the city.,xx-en,external,nllb-200-3.3B,import:" + hyp + ",true]",
        "[3,The river is old.,xx-en,external,nllb-200-3.3B,import:" + hyp + ",true]",
        "[4,Neu.,xx-en,external,nllb-200-3.3B,import:" + hyp + ",true]");
    SystemRow system = new SystemsTable(warehouse).find("nllb").orElseThrow();
    assertThat(system.madeBy()).isEqualTo("import");
    assertThat(system.strategy()).isEqualTo(SystemStrategy.EXTERNAL);
    assertThat(system.trainingLanguages()).containsExactly("de", "fr");
    assertThat(system.model()).isEqualTo("nllb-200-3.3B");

    ImportTranslationsJob.Result again = job("import-2")
        .option(ImportTranslationsJob.SYSTEM_ID, "nllb").option(ImportTranslationsJob.TEST_SET, "sample")
        .option(ImportTranslationsJob.DIRECTION, "de-en").option(ImportTranslationsJob.HYP, hyp.toString())
        .option(ImportTranslationsJob.MODEL, "nllb-200-3.3B").option(ImportTranslationsJob.TRAINING_LANGUAGES, "de,fr")
        .execute();
    assertThat(again.written()).isZero();
    assertThat(count("system_id = 'nllb'")).isEqualTo(4);
    assertThat(count("system_id = 'nllb' AND run_id = 'import-1'")).isEqualTo(4);
  }

  @Test
  void aLineCountThatDiffersIsRejectedNamingTheFileAndBothCountsAndWritesNothing() throws IOException {
    Path hyp = Files.write(dir.resolve("short.en-de.txt"), List.of("Wir sehen die alte Stadt."));
    assertThatThrownBy(() -> job("short").option(ImportTranslationsJob.SYSTEM_ID, "short")
            .option(ImportTranslationsJob.TEST_SET, "sample:devtest").option(ImportTranslationsJob.DIRECTION, "en-de")
            .option(ImportTranslationsJob.HYP, hyp.toString()).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot import " + hyp + ": it has 1 lines but test set sample:devtest en-de has 2 segments in"
            + " parallel_sentences (one hypothesis per segment, in seg_id order)");
    assertThat(count("system_id = 'short'")).isZero();
    assertThat(new SystemsTable(warehouse).find("short")).isEmpty();
  }

  @Test
  void aWmtSubmissionIsImportedUnderItsNameWhenItCoversTheTestSet() {
    ImportTranslationsJob.Result r = job("wmt").option(ImportTranslationsJob.TEST_SET, "sample:devtest")
        .option(ImportTranslationsJob.DIRECTION, "de-en").option(ImportTranslationsJob.WMT_SYSTEM, "SysOne").execute();
    assertThat(r.systemId()).isEqualTo("SysOne");
    assertThat(r.units()).containsExactly("sample/devtest de-en: 4 segments");
    assertThat(warehouse.spark().sql("SELECT hypothesis FROM import_test.translations WHERE system_id = 'SysOne'"
        + " AND seg_id = 2").first().getString(0)).isEqualTo("We see the town.");

    // without a direction every pair of the submission is imported, and en-de lacks a segment
    assertThatThrownBy(() -> job("wmt-all").option(ImportTranslationsJob.TEST_SET, "sample")
            .option(ImportTranslationsJob.WMT_SYSTEM, "SysOne").option(ImportTranslationsJob.SYSTEM_ID, "sysone-all")
            .execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot import WMT system SysOne: table wmt_system_outputs has its outputs for 1 of the 2 segments"
            + " of sample:devtest en-de in parallel_sentences; every segment needs one");
    assertThat(count("system_id = 'sysone-all'")).isZero();
    assertThatThrownBy(() -> job("wmt-none").option(ImportTranslationsJob.TEST_SET, "sample")
            .option(ImportTranslationsJob.WMT_SYSTEM, "SysTwo").execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Table wmt_system_outputs has no outputs of system 'SysTwo' for dataset 'sample'; systems there: SysOne");
  }

  @Test
  void badOptionsAreRefusedBeforeAnyWork() {
    assertThatThrownBy(() -> job("o").option(ImportTranslationsJob.TEST_SET, "sample").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Give exactly one of option import.hyp (a file) and import.wmt-system (a system of wmt_system_outputs)");
    assertThatThrownBy(() -> job("o").option(ImportTranslationsJob.TEST_SET, "sample")
            .option(ImportTranslationsJob.HYP, "x.txt").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option import.system-id is required with import.hyp");
    assertThatThrownBy(() -> job("o").option(ImportTranslationsJob.TEST_SET, "sample")
            .option(ImportTranslationsJob.HYP, "x.txt").option(ImportTranslationsJob.SYSTEM_ID, "s").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option import.direction is required with import.hyp: the pair the file translates");
    assertThatThrownBy(() -> job("o").option(ImportTranslationsJob.TEST_SET, "sample").option(ImportTranslationsJob.DIRECTION, "de-xx")
            .option(ImportTranslationsJob.HYP, "x.txt").option(ImportTranslationsJob.SYSTEM_ID, "s").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Unknown language 'xx' in option import.direction; see bin/mtforge languages");
    assertThatThrownBy(() -> job("o").option(ImportTranslationsJob.TEST_SET, "sample").option(ImportTranslationsJob.DIRECTION, "de-en")
            .option(ImportTranslationsJob.HYP, "x.txt").option(ImportTranslationsJob.SYSTEM_ID, "s")
            .option(ImportTranslationsJob.STRATEGY, "ensemble").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Unknown strategy 'ensemble'; known: none, separate, group, multilingual, dat, datm, external");
    assertThatThrownBy(() -> job("o").option("import.hyps", "x"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("Unknown option 'import.hyps' for import-translations; known: [");
  }

  @Test
  void aSystemThatTranslateMadeIsNotOverwritten() throws IOException {
    new SystemsTable(warehouse).record(List.of(new SystemRow("tiny-dat", SystemRow.TRANSLATE, SystemStrategy.DAT,
        "tiny", List.of("de"), Map.of(), Map.of(), null, null, null)), RunContext.start("t"), "test");
    Path hyp = Files.write(dir.resolve("frenglish.txt"), List.of("a", "b"));
    assertThatThrownBy(() -> job("o").option(ImportTranslationsJob.TEST_SET, "sample").option(ImportTranslationsJob.DIRECTION, "fr-en")
            .option(ImportTranslationsJob.HYP, hyp.toString()).option(ImportTranslationsJob.SYSTEM_ID, "tiny-dat").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Cannot import into system tiny-dat: translate made it; import under another system id");
  }
}
