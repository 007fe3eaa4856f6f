package dev.mtforge.jobs.systems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.translate.TranslateTestSetJob;
import dev.mtforge.jobs.translate.TranslateTestSetJobTest;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The systems table: what translate records, and the back-fill of systems translated before it existed. */
class SystemsTableTest {
  static final LanguageRegistry REGISTRY = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));

  @Test
  void translateRecordsItsSystemAndALaterRunAddsItsDirections() {
    Warehouse warehouse = TranslateTestSetJobTest.warehouseWithTestSet("systems-translate");
    TranslateTestSetJobTest.registerDatAdapters(warehouse);
    TranslateTestSetJob.Result first = translate(warehouse, "de-en,en-de", "run-1");
    SystemRow system = new SystemsTable(warehouse).find(first.systemId()).orElseThrow();
    assertThat(system.madeBy()).isEqualTo("translate");
    assertThat(system.strategy()).isEqualTo(SystemStrategy.DAT);
    assertThat(system.model()).isEqualTo("tiny-llama");
    assertThat(system.adapters()).isEqualTo(Map.of("de-en", "dat-de-en", "en-de", "dat-en-g1"));
    // de from the xx-en adapter, group 1 (without English) from the en-xx one
    assertThat(system.trainingLanguages()).containsExactly("af", "da", "de", "is", "nl", "no", "sv");
    assertThat(system.decoding()).containsEntry("num_beams", "1").containsEntry("max_new_tokens", "48")
        .containsEntry("length_penalty", "1.0").containsEntry("early_stopping", "false")
        .containsEntry("chat_template", "false").containsEntry("prompt", "alma").containsEntry("shots", "0");
    assertThat(system.promptTemplate()).isEqualTo("alma");
    assertThat(system.promptText()).isEqualTo("Translate this from {src_lang} to {tgt_lang}:\n{src_lang}: {source}\n{tgt_lang}:");
    assertThat(system.pivotLang()).isNull();

    translate(warehouse, "fr-en", "run-2");
    SystemRow after = new SystemsTable(warehouse).find(first.systemId()).orElseThrow();
    assertThat(after.adapters()).isEqualTo(Map.of("de-en", "dat-de-en", "en-de", "dat-en-g1", "fr-en", "dat-fr-en"));
    assertThat(after.trainingLanguages()).contains("fr", "de", "sv");
    assertThat(warehouse.spark().sql("SELECT count(*) FROM systems_translate.systems").first().getLong(0)).isEqualTo(1);
  }

  private static TranslateTestSetJob.Result translate(Warehouse warehouse, String directions, String runId) {
    return new TranslateTestSetJob(warehouse, REGISTRY, RunContext.start(runId))
        .option(TranslateTestSetJob.MODEL, TranslateTestSetJobTest.MODEL.toString())
        .option(TranslateTestSetJob.TEST_SET, "sample:devtest")
        .option(TranslateTestSetJob.ROUTING, "dat")
        .option(TranslateTestSetJob.DIRECTIONS, directions)
        .option(TranslateTestSetJob.NUM_BEAMS, "1")
        .option(TranslateTestSetJob.MAX_NEW_TOKENS, "48")
        .execute();
  }

  @Test
  void systemsTranslatedBeforeTheTableAreBackFilledFromTranslations() {
    Warehouse warehouse =
        Warehouse.open(SparkTestSession.get(), SparkTestSession.newFolder("backfill").toString(), "systems_backfill");
    TranslateTestSetJobTest.registerDatAdapters(warehouse);
    List<Row> rows = new ArrayList<>();
    rows.add(translation("old-dat", "de", "en", 1, "dat", "dat-de-en", "beam5:max256:lp1.0:es=false:chat:3shot", "translate:pkg"));
    rows.add(translation("old-dat", "en", "fr", 2, "dat", "dat-en-g4", "beam5:max256:lp1.0:es=false:chat:3shot", "translate:pkg"));
    rows.add(translation("old-base", "de", "en", 1, "none", null, "greedy:max64", "translate:pkg"));
    rows.add(translation("wmt-one", "de", "en", 1, "external", null, null, "import:wmt_system_outputs/One"));
    warehouse.insertNew(Tables.TRANSLATIONS, warehouse.spark().createDataFrame(rows, Tables.TRANSLATIONS.schema()));

    BackfillSystemsJob.Result result = new BackfillSystemsJob(warehouse, REGISTRY, RunContext.start("fill")).execute();
    assertThat(result.systemIds()).containsExactly("old-base", "old-dat", "wmt-one");
    Map<String, SystemRow> systems = new SystemsTable(warehouse).read(result.systemIds());
    SystemRow dat = systems.get("old-dat");
    assertThat(dat.strategy()).isEqualTo(SystemStrategy.DAT);
    assertThat(dat.madeBy()).isEqualTo("translate");
    assertThat(dat.adapters()).isEqualTo(Map.of("de-en", "dat-de-en", "en-fr", "dat-en-g4"));
    assertThat(dat.trainingLanguages()).contains("de", "fr", "vi").doesNotContain("en", "sv");
    assertThat(dat.decoding()).isEqualTo(Map.of("label", "beam5:max256:lp1.0:es=false:chat:3shot", "num_beams", "5",
        "max_new_tokens", "256", "length_penalty", "1.0", "early_stopping", "false", "chat_template", "true",
        "prompt", "x-alma", "shots", "3"));
    assertThat(dat.promptTemplate()).isEqualTo("x-alma-3shot");
    assertThat(dat.promptText()).startsWith("[INST] Translate this from {src_lang} to {tgt_lang}:");
    SystemRow base = systems.get("old-base");
    assertThat(base.strategy()).isEqualTo(SystemStrategy.NONE);
    assertThat(base.trainingLanguages()).isEmpty();
    assertThat(base.decoding()).containsEntry("num_beams", "1").containsEntry("max_new_tokens", "64");
    SystemRow imported = systems.get("wmt-one");
    assertThat(imported.madeBy()).isEqualTo("import");
    assertThat(imported.strategy()).isEqualTo(SystemStrategy.EXTERNAL);
    assertThat(imported.trainingLanguages()).isNull(); // made elsewhere: unknown
    assertThat(imported.promptTemplate()).isNull();

    assertThat(new BackfillSystemsJob(warehouse, REGISTRY, RunContext.start("again")).execute().systemIds()).isEmpty();
  }

  private static Row translation(String system, String src, String tgt, int seg, String strategy, String adapter,
      String decoding, String source) {
    return RowFactory.create(system, "sample", "devtest", src, tgt, tgt.equals("en") ? "xx-en" : "en-xx", null, seg,
        "source", "hypothesis", null, strategy, adapter, null, "tiny-llama", decoding, null, null, null, null, null, null,
        "run-old", java.sql.Timestamp.valueOf("2026-01-01 00:00:00"), source);
  }
}
