package dev.mtforge.jobs.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The translate job on the tiny model, over real Spark and Delta tables. */
public class TranslateTestSetJobTest {
  public static final Path MODEL = SparkTestSession.repoRoot().resolve("sample-data/models/tiny-llama");
  static final LanguageRegistry REGISTRY = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));

  /** de-en x4, en-de x2, fr-en x2, en-fr x2: ten segments over four directions. */
  public static Warehouse warehouseWithTestSet(String name) {
    SparkSession spark = SparkTestSession.get();
    // One database per warehouse: the test JVM's session catalog is shared by every test class.
    Warehouse warehouse =
        Warehouse.open(spark, SparkTestSession.newFolder(name).toString(), name.replace('-', '_'));
    String[][] segs = {
      {"de", "en", "Das Haus ist klein.", "The house is small."},
      {"de", "en", "Wir sehen die Stadt.", "We see the city."},
      {"de", "en", "Der Fluss ist alt.", "The river is old."},
      {"de", "en", "Neu.", "New."},
      {"en", "de", "We see the old city.", "Wir sehen die alte Stadt."},
      {"en", "de", "The house.", "Das Haus."},
      {"fr", "en", "Nous voir la petite maison.", "We see the small house."},
      {"fr", "en", "La ville.", "The city."},
      {"en", "fr", "The green river.", "La riviere verte."},
      {"en", "fr", "We go.", "Nous allons."},
    };
    StructType schema =
        new StructType()
            .add("dataset", DataTypes.StringType).add("split", DataTypes.StringType)
            .add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
            .add("src_lang", DataTypes.StringType).add("tgt_lang", DataTypes.StringType)
            .add("src_text", DataTypes.StringType).add("tgt_text", DataTypes.StringType)
            .add("extra_refs", DataTypes.createArrayType(DataTypes.StringType))
            .add("direction", DataTypes.StringType)
            .add("group_ids", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("resource_level", DataTypes.StringType).add("pair_hash", DataTypes.StringType)
            .add("source_file", DataTypes.StringType)
            .add("flags", DataTypes.createArrayType(DataTypes.StringType));
    List<Row> rows = new ArrayList<>();
    int[] segIds = new int[segs.length];
    for (int i = 0; i < segs.length; i++) {
      String[] s = segs[i];
      segIds[i] = i + 1;
      rows.add(RowFactory.create("sample", "devtest", null, i + 1, s[0], s[1], s[2], s[3], null,
          s[1].equals("en") ? "xx-en" : "en-xx", null, null, "h" + i, null, null));
    }
    RunContext setup = RunContext.start("setup");
    warehouse.insertNew(Tables.PARALLEL_SENTENCES, setup.stamp(spark.createDataFrame(rows, schema), "test"));
    return warehouse;
  }

  public static void registerDatAdapters(Warehouse warehouse) {
    registerDatAdapters(warehouse, MODEL.resolve("adapters").toString());
  }

  public static void registerDatAdapters(Warehouse warehouse, String dir) {
    SparkSession spark = warehouse.spark();
    StructType schema =
        new StructType()
            .add("adapter_id", DataTypes.StringType).add("path", DataTypes.StringType)
            .add("strategy", DataTypes.StringType).add("direction", DataTypes.StringType)
            .add("language", DataTypes.StringType).add("group_id", DataTypes.IntegerType)
            .add("rank", DataTypes.IntegerType).add("lora_alpha", DataTypes.DoubleType)
            .add("target_modules", DataTypes.createArrayType(DataTypes.StringType))
            .add("base_model", DataTypes.StringType).add("sha256", DataTypes.StringType);
    List<Row> rows = List.of(
        RowFactory.create("dat-de-en", dir + "/dat-de-en", "dat", "xx-en", "de", null, 4, 8.0, null, "tiny-llama", null),
        RowFactory.create("dat-fr-en", dir + "/dat-fr-en", "dat", "xx-en", "fr", null, 8, 16.0, null, "tiny-llama", null),
        RowFactory.create("dat-en-g1", dir + "/dat-en-g1", "dat", "en-xx", null, 1, 8, 8.0, null, "tiny-llama", null),
        RowFactory.create("dat-en-g4", dir + "/dat-en-g4", "dat", "en-xx", null, 4, 4, 4.0, null, "tiny-llama", null));
    warehouse.insertNew(Tables.ADAPTERS, RunContext.start("setup").stamp(spark.createDataFrame(rows, schema), "test"));
  }

  static TranslateTestSetJob job(Warehouse warehouse, String runId) {
    return new TranslateTestSetJob(warehouse, REGISTRY, RunContext.start(runId))
        .option(TranslateTestSetJob.MODEL, MODEL.toString())
        .option(TranslateTestSetJob.TEST_SET, "sample:devtest")
        .option(TranslateTestSetJob.ROUTING, "dat")
        .option(TranslateTestSetJob.NUM_BEAMS, "1")
        .option(TranslateTestSetJob.MAX_NEW_TOKENS, "48")
        .option(TranslateTestSetJob.BATCH_SIZE, "3")
        .option(TranslateTestSetJob.COMMIT_SEGMENTS, "5");
  }

  @Test
  void datRunFailsWithoutAdaptersThenResumesAfterACrashWithoutDuplicates() {
    Warehouse warehouse = warehouseWithTestSet("translate-resume");
    // Before the adapters are registered, routing fails and nothing is written.
    assertThatThrownBy(() -> job(warehouse, "run-0").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot route de-en with routing dat: no row in table adapters with strategy = 'dat',"
            + " direction = 'xx-en', language = 'de'; expected one");
    assertThat(warehouse.exists("translations")).isFalse();
    registerDatAdapters(warehouse);
    SparkSession spark = warehouse.spark();

    assertThatThrownBy(
            () -> job(warehouse, "run-1")
                .chunkListener((chunk, chunks, rows) -> {
                  throw new IllegalStateException("simulated crash after chunk " + chunk + " of " + chunks);
                })
                .execute())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("simulated crash after chunk 0 of 2");
    assertThat(spark.sql("SELECT count(*) FROM translate_resume.translations").first().getLong(0)).isEqualTo(5);

    TranslateTestSetJob.Result resumed = job(warehouse, "run-2").execute();
    assertThat(resumed.segmentsTranslated()).isEqualTo(5);
    assertThat(resumed.segmentsSkipped()).isEqualTo(5);
    assertThat(resumed.chunks()).isEqualTo(1);
    assertThat(resumed.systemId()).isEqualTo("tiny-llama-dat");
    assertThat(resumed.decodeCpuSeconds()).isPositive();

    List<Row> perRun =
        spark.sql("SELECT run_id, count(*) FROM translate_resume.translations GROUP BY run_id ORDER BY run_id").collectAsList();
    assertThat(perRun).extracting(r -> r.getString(0) + "=" + r.getLong(1)).containsExactly("run-1=5", "run-2=5");
    assertThat(spark.sql("SELECT count(DISTINCT src_lang, tgt_lang, seg_id) FROM translate_resume.translations").first().getLong(0))
        .isEqualTo(10);

    // Routing per direction: xx-en per language, en-xx per group (de: group 1, fr: group 4).
    List<Row> routes =
        spark.sql("SELECT DISTINCT concat(src_lang, '-', tgt_lang, ':', adapter_id, ':', coalesce(group_id, -1),"
            + " ':', strategy) FROM translate_resume.translations ORDER BY 1").collectAsList();
    assertThat(routes).extracting(r -> r.getString(0))
        .containsExactly("de-en:dat-de-en:-1:dat", "en-de:dat-en-g1:1:dat", "en-fr:dat-en-g4:4:dat",
            "fr-en:dat-fr-en:-1:dat");

    // Same prompt, adapter and decoding as golden.json case greedy-one-adapter, row 0 (torch).
    Row de = spark.sql("SELECT raw_output, hypothesis, prompt_tokens, output_tokens, decoding, model, off_target,"
        + " detected_lang"
        + " FROM translate_resume.translations WHERE src_lang = 'de' AND seg_id = 1").first();
    assertThat(de.getString(0)).isEqualTo(" Hause Haus is klein.\n");
    assertThat(de.getString(1)).isEqualTo("Hause Haus is klein.");
    assertThat(de.getInt(2)).isEqualTo(76); // len(golden.json prompt_ids[0])
    assertThat(de.getInt(3)).isEqualTo(23); // 22 golden tokens + EOS
    assertThat(de.getString(4)).isEqualTo("greedy:max48");
    assertThat(de.getString(5)).isEqualTo("tiny-llama");
    // The tiny model copies its source: lingua (restricted to de, en, fr) rightly calls it German.
    assertThat(de.getBoolean(6)).isTrue();
    assertThat(de.getString(7)).isEqualTo("de");

    TranslateTestSetJob.Result again = job(warehouse, "run-3").execute();
    assertThat(again.segmentsTranslated()).isZero();
    assertThat(again.segmentsSkipped()).isEqualTo(10);
    assertThat(spark.sql("SELECT count(*) FROM translate_resume.translations").first().getLong(0)).isEqualTo(10);
  }

  @Test
  void fewShotPromptsTakeExamplesOfTheSameDirectionButNeverTheSegmentItself() {
    Warehouse warehouse = warehouseWithTestSet("translate-shots");
    SparkSession spark = warehouse.spark();
    // Shots from the test split itself: en-de has two segments, so each gets the other as its example.
    TranslateTestSetJob.Result r =
        job(warehouse, "shots-1").option(TranslateTestSetJob.ROUTING, "none").option(TranslateTestSetJob.DIRECTIONS, "en-de")
            .option(TranslateTestSetJob.SHOTS, "1").option(TranslateTestSetJob.SHOT_SPLIT, "devtest")
            .option(TranslateTestSetJob.MAX_NEW_TOKENS, "4").execute();
    assertThat(r.systemId()).isEqualTo("tiny-llama-none-1shot");
    List<Row> rows = spark.sql("SELECT source_text, prompt_tokens, decoding FROM translate_shots.translations"
        + " ORDER BY seg_id").collectAsList();
    String withOther = dev.mtforge.udfs.inference.PromptFormat.ALMA.prompt("English", "German", "We see the old city.",
        List.of(new dev.mtforge.udfs.inference.PromptFormat.Shot("The house.", "Das Haus.")));
    String withFirst = dev.mtforge.udfs.inference.PromptFormat.ALMA.prompt("English", "German", "The house.",
        List.of(new dev.mtforge.udfs.inference.PromptFormat.Shot("We see the old city.", "Wir sehen die alte Stadt.")));
    // The tiny model's vocabulary is bytes: prompt tokens = BOS + UTF-8 bytes of the prompt.
    assertThat(rows).extracting(x -> x.getString(0) + "|" + x.getInt(1) + "|" + x.getString(2))
        .containsExactly(
            "We see the old city.|" + (1 + withOther.getBytes(java.nio.charset.StandardCharsets.UTF_8).length) + "|greedy:max4:1shot",
            "The house.|" + (1 + withFirst.getBytes(java.nio.charset.StandardCharsets.UTF_8).length) + "|greedy:max4:1shot");

    // Too few examples of a direction in the shot split: fails before translating.
    assertThatThrownBy(() -> job(warehouse, "shots-2").option(TranslateTestSetJob.ROUTING, "none")
            .option(TranslateTestSetJob.DIRECTIONS, "fr-en").option(TranslateTestSetJob.SHOTS, "2")
            .option(TranslateTestSetJob.SHOT_SPLIT, "sample:devtest").execute())
        .isInstanceOf(dev.mtforge.schemas.InvalidInputException.class)
        .hasMessage("Option inference.shots = 2 needs 3 rows of fr-en in table parallel_sentences for dataset 'sample'"
            + " split 'devtest' (inference.shot-split); found 2");
  }

  @Test
  void invalidOptionsAreRejectedBeforeSparkWork() {
    Warehouse warehouse = Warehouse.open(SparkTestSession.get(), SparkTestSession.newFolder("translate-opts").toString(), "translate_opts");
    assertThatThrownBy(() -> new TranslateTestSetJob(warehouse, REGISTRY, RunContext.start("x")).option("inference.beams", "5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Unknown option 'inference.beams' for translate; known: [inference.batch-size,");
    assertThatThrownBy(() -> job(warehouse, "x").option(TranslateTestSetJob.ROUTING, "dta").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown routing 'dta'; known: none, multilingual, separate, group, dat, datm");
    assertThatThrownBy(() -> job(warehouse, "x").option(TranslateTestSetJob.NUM_BEAMS, "0").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Option inference.num-beams must be a positive integer, got '0'");
    assertThatThrownBy(() -> job(warehouse, "x").option(TranslateTestSetJob.DIRECTIONS, "de_en").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid direction 'de_en' in option inference.directions; expected src-tgt such as de-en");
  }
}
