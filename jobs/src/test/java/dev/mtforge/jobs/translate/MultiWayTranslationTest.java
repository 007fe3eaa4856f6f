package dev.mtforge.jobs.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.evaluate.EvaluateTranslationsJob;
import dev.mtforge.jobs.multiway.Direction;
import dev.mtforge.jobs.multiway.MultiWayPairs;
import dev.mtforge.jobs.report.DirectionMatrixJob;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.inference.PromptFormat;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Any direction of a multi-way test set, end to end on the tiny model: the 10-language sample
 * (sample-data/multiway, 4 segments each) is stored as prepare stores Flores, all 90 directions are translated
 * (greedy, a crash after the second chunk, then a resumed run), evaluated (BLEU, chrF, spBLEU with
 * a tiny SentencePiece model) and drawn as matrices; pivot runs store both legs and resume inside
 * the second; routes that do not exist fail before anything is written; prompt formats reach the
 * model.
 */
class MultiWayTranslationTest {
  private static final String DB = "multiway_test";
  private static final Path SPM = SparkTestSession.repoRoot().resolve("udfs/src/test/resources/spm/tiny-unigram-300.model");
  private static SparkSession spark;
  private static Warehouse warehouse;
  private static List<String> german;

  @BeforeAll
  static void prepare() throws Exception {
    spark = SparkTestSession.get();
    warehouse = Warehouse.open(spark, SparkTestSession.newFolder("multiway").toString(), DB);
    // The rows prepare writes for a Flores folder (the demo runs prepare itself on it): each
    // language's line k with English line k, both ways. Written directly, the test saves a minute.
    Path samples = SparkTestSession.repoRoot().resolve("sample-data/multiway/flores200");
    List<Row> rows = new ArrayList<>();
    List<String> en = Files.readAllLines(samples.resolve("eng_Latn.devtest"));
    try (var files = Files.list(samples)) {
      for (Path file : files.sorted().toList()) {
        String code = TranslateTestSetJobTest.REGISTRY.byFloresCode(file.getFileName().toString().replace(".devtest", "")).code();
        if (code.equals("en")) {
          continue;
        }
        List<String> xx = Files.readAllLines(file);
        for (int i = 0; i < xx.size(); i++) {
          rows.add(RowFactory.create("flores200", "devtest", i + 1, code, "en", xx.get(i), en.get(i), "xx-en", code + i));
          rows.add(RowFactory.create("flores200", "devtest", i + 1, "en", code, en.get(i), xx.get(i), "en-xx", code + i));
        }
      }
    }
    StructType schema = new StructType().add("dataset", DataTypes.StringType).add("split", DataTypes.StringType)
        .add("seg_id", DataTypes.IntegerType).add("src_lang", DataTypes.StringType).add("tgt_lang", DataTypes.StringType)
        .add("src_text", DataTypes.StringType).add("tgt_text", DataTypes.StringType)
        .add("direction", DataTypes.StringType).add("pair_hash", DataTypes.StringType);
    Dataset<Row> frame = spark.createDataFrame(rows, schema);
    for (var field : Tables.PARALLEL_SENTENCES.dataSchema().fields()) {
      if (!List.of(frame.columns()).contains(field.name())) {
        frame = frame.withColumn(field.name(), functions.lit(null).cast(field.dataType()));
      }
    }
    warehouse.insertNew(Tables.PARALLEL_SENTENCES, RunContext.start("setup").stamp(frame, "test"));
    TranslateTestSetJobTest.registerDatAdapters(warehouse);
    german = Files.readAllLines(samples.resolve("deu_Latn.devtest"));
  }

  private static TranslateTestSetJob job(String runId) {
    return new TranslateTestSetJob(warehouse, TranslateTestSetJobTest.REGISTRY, RunContext.start(runId))
        .option(TranslateTestSetJob.MODEL, TranslateTestSetJobTest.MODEL.toString())
        .option(TranslateTestSetJob.TEST_SET, "flores200:devtest")
        .option(TranslateTestSetJob.NUM_BEAMS, "1")
        .option(TranslateTestSetJob.MAX_NEW_TOKENS, "8")
        .option(TranslateTestSetJob.BATCH_SIZE, "8");
  }

  private static List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  void allNinetyDirectionsAreTranslatedResumedAfterACrashScoredAndDrawn() throws Exception {
    assertThatThrownBy(() -> job("all-1").option(TranslateTestSetJob.DIRECTIONS, "all")
            .option(TranslateTestSetJob.SYSTEM_ID, "tiny-all").option(TranslateTestSetJob.COMMIT_SEGMENTS, "100")
            .chunkListener((chunk, chunks, rows) -> {
              if (chunk == 1) {
                throw new IllegalStateException("simulated crash after chunk " + chunk + " of " + chunks);
              }
            })
            .execute())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("simulated crash after chunk 1 of 4");
    assertThat(count("SELECT count(*) FROM " + DB + ".translations WHERE system_id = 'tiny-all'")).isEqualTo(200);

    TranslateTestSetJob.Result resumed = job("all-2").option(TranslateTestSetJob.DIRECTIONS, "all")
        .option(TranslateTestSetJob.SYSTEM_ID, "tiny-all").option(TranslateTestSetJob.COMMIT_SEGMENTS, "100").execute();
    assertThat(resumed.segmentsTranslated()).isEqualTo(160);
    assertThat(resumed.segmentsSkipped()).isEqualTo(200);
    assertThat(rows("SELECT count(*), count(DISTINCT src_lang, tgt_lang), count(DISTINCT src_lang, tgt_lang, seg_id),"
        + " sum(CASE WHEN direction = 'xx-yy' THEN 1 ELSE 0 END), count(pivot_lang)"
        + " FROM " + DB + ".translations WHERE system_id = 'tiny-all'"))
        .containsExactly("[360,90,360,288,0]");
    // A non-English pair reads its source from the source language's file, aligned through English.
    assertThat(rows("SELECT source_text FROM " + DB + ".translations WHERE system_id = 'tiny-all'"
        + " AND src_lang = 'de' AND tgt_lang = 'ja' ORDER BY seg_id")).containsExactlyElementsOf(
            german.stream().map(s -> "[" + s + "]").toList());

    // An oracle whose hypotheses are the references of all 90 directions scores 100 everywhere only
    // if evaluate finds the right reference for every pair.
    List<Direction> all = new ArrayList<>();
    for (String a : MultiWayPairs.languages(warehouse, "flores200", "devtest")) {
      for (String b : MultiWayPairs.languages(warehouse, "flores200", "devtest")) {
        if (!a.equals(b)) {
          all.add(new Direction(a, b));
        }
      }
    }
    Dataset<Row> oracle = MultiWayPairs.pairs(warehouse, "flores200", "devtest", all)
        .select(functions.lit("oracle").as("system_id"), functions.col("dataset"), functions.col("split"),
            functions.col("src_lang"), functions.col("tgt_lang"), functions.col("direction"), functions.col("doc_id"),
            functions.col("seg_id"), functions.col("src_text").as("source_text"), functions.col("tgt_text").as("hypothesis"));
    for (var field : Tables.TRANSLATIONS.dataSchema().fields()) {
      if (!List.of(oracle.columns()).contains(field.name())) {
        oracle = oracle.withColumn(field.name(), functions.lit(null).cast(field.dataType()));
      }
    }
    warehouse.insertNew(Tables.TRANSLATIONS, RunContext.start("oracle").stamp(oracle, "test"));

    EvaluateTranslationsJob.Result scores = new EvaluateTranslationsJob(warehouse, TranslateTestSetJobTest.REGISTRY,
        RunContext.start("eval"))
        .option(EvaluateTranslationsJob.METRICS, "bleu,chrf,spbleu")
        .option(EvaluateTranslationsJob.SPM_MODEL, SPM.toString())
        .option(EvaluateTranslationsJob.SYSTEMS, "tiny-all,oracle")
        .option(EvaluateTranslationsJob.CONFIDENCE, "false")
        .execute();
    assertThat(scores.pairs()).hasSize(2 * 90 * 3);
    // (sacreBLEU's BLEU of a perfect corpus is 100.00000000000004: exp of a sum of logs)
    assertThat(rows("SELECT metric, count(*), round(min(score), 9), round(max(score), 9), min(segments), max(segments) FROM " + DB
        + ".system_scores WHERE scope = 'pair' AND system_id = 'oracle' GROUP BY metric ORDER BY metric"))
        .containsExactly("[BLEU,90,100.0,100.0,4,4]", "[chrF2,90,100.0,100.0,4,4]", "[spBLEU,90,100.0,100.0,4,4]");
    assertThat(count("SELECT count(*) FROM " + DB + ".system_scores WHERE scope = 'pair' AND system_id = 'tiny-all'"))
        .isEqualTo(270);

    Path out = SparkTestSession.newFolder("multiway-report");
    DirectionMatrixJob.Result report = new DirectionMatrixJob(warehouse, TranslateTestSetJobTest.REGISTRY)
        .option(DirectionMatrixJob.OUTPUT, out.toString()).option(DirectionMatrixJob.SYSTEMS, "tiny-all,oracle").execute();
    assertThat(report.matrices()).isEqualTo(6);
    assertThat(report.files()).startsWith("matrix-flores200_devtest-BLEU-oracle.png", "matrix-flores200_devtest-BLEU-tiny-all.png")
        .endsWith("matrix.html").hasSize(7);
    BufferedImage heatmap = ImageIO.read(out.resolve("matrix-flores200_devtest-BLEU-oracle.png").toFile());
    assertThat(heatmap.getWidth()).isEqualTo(56 + 10 * 44 + 16);
    assertThat(heatmap.getHeight()).isEqualTo(40 + 28 + 10 * 44 + 28);
    // rows and columns: en first, then cs, de, es, fr, hi, is, ja, ru, zh; cell (de, cs) at column 1, row 2
    assertThat(heatmap.getRGB(56 + 44 + 5, 68 + 2 * 44 + 5) & 0xffffff).isEqualTo(0x08306b);
    assertThat(heatmap.getRGB(56 + 2 * 44 + 5, 68 + 2 * 44 + 5) & 0xffffff).as("diagonal").isEqualTo(0xe0e0e0);

    String page = Files.readString(out.resolve("matrix.html"), StandardCharsets.UTF_8);
    assertThat(page).contains("<h2>BLEU on flores200/devtest, oracle (90 directions)</h2>")
        .contains("<tr><td>is</td><td>Low</td><td>100.00 (9)</td><td>100.00 (9)</td></tr>")
        .contains("<tr><td>Low resource</td><td>Low</td><td>100.00 (9)</td><td>100.00 (9)</td></tr>")
        .contains("<tr><td>Mid resource</td><td>Mid</td><td>100.00 (9)</td><td>100.00 (9)</td></tr>")
        .contains("<tr><td>High resource</td><td>High</td><td>100.00 (72)</td><td>100.00 (72)</td></tr>");
    // LLaMAX's X->all and all->X for German equal the means of its rows in system_scores.
    Row de = spark.sql("SELECT avg(CASE WHEN src_lang = 'de' THEN score END), avg(CASE WHEN tgt_lang = 'de' THEN score END)"
        + " FROM " + DB + ".system_scores WHERE scope = 'pair' AND system_id = 'tiny-all' AND metric = 'spBLEU'").first();
    assertThat(page).contains(String.format(Locale.ROOT, "<tr><td>de</td><td>High</td><td>%.2f (9)</td><td>%.2f (9)</td></tr>",
        de.getDouble(0), de.getDouble(1)));
  }

  @Test
  void pivotRunsStoreBothLegsLinkedAndResumeInsideTheSecondLeg() {
    AtomicInteger commits = new AtomicInteger();
    assertThatThrownBy(() -> job("pivot-1").option(TranslateTestSetJob.ROUTING, "dat")
            .option(TranslateTestSetJob.DIRECTIONS, "de-fr,fr-de").option(TranslateTestSetJob.PIVOT, "en")
            .option(TranslateTestSetJob.COMMIT_SEGMENTS, "3")
            .chunkListener((chunk, chunks, rows) -> {
              if (commits.incrementAndGet() == 4) { // pass 1: 8 first legs in 3 chunks; then the first second-leg chunk
                throw new IllegalStateException("simulated crash after second-leg chunk " + chunk + " of " + chunks);
              }
            })
            .execute())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("simulated crash after second-leg chunk 0 of 3");
    String system = "tiny-llama-dat-pivot-en";
    assertThat(rows("SELECT concat(src_lang, '-', tgt_lang), count(*) FROM " + DB + ".translations WHERE system_id = '"
        + system + "' GROUP BY 1 ORDER BY 1")).containsExactly("[de-en,4]", "[fr-de,3]", "[fr-en,4]");

    TranslateTestSetJob.Result resumed = job("pivot-2").option(TranslateTestSetJob.ROUTING, "dat")
        .option(TranslateTestSetJob.DIRECTIONS, "de-fr,fr-de").option(TranslateTestSetJob.PIVOT, "en")
        .option(TranslateTestSetJob.COMMIT_SEGMENTS, "3").execute();
    assertThat(resumed.systemId()).isEqualTo(system);
    assertThat(resumed.segmentsTranslated()).isEqualTo(5);
    assertThat(resumed.pivotedSegments()).isEqualTo(5);
    assertThat(resumed.segmentsSkipped()).isEqualTo(3);
    assertThat(rows("SELECT concat(src_lang, '-', tgt_lang, ':', direction, ':', adapter_id, ':', coalesce(pivot_lang, '-'),"
        + " ':', run_id), count(*) FROM " + DB + ".translations WHERE system_id = '" + system + "' GROUP BY 1 ORDER BY 1"))
        .containsExactly("[de-en:xx-en:dat-de-en:-:pivot-1,4]", "[de-fr:xx-yy:dat-en-g4:en:pivot-2,4]",
            "[fr-de:xx-yy:dat-en-g1:en:pivot-1,3]", "[fr-de:xx-yy:dat-en-g1:en:pivot-2,1]",
            "[fr-en:xx-en:dat-fr-en:-:pivot-1,4]");

    // The second leg links to its first: the final row keeps the German source; the English it
    // translated is the de-en row's hypothesis, and that is what its prompt held.
    List<Row> linked = spark.sql("SELECT f.seg_id, f.source_text, i.hypothesis, f.prompt_tokens, f.hypothesis, f.raw_output"
        + " FROM " + DB + ".translations f JOIN " + DB + ".translations i ON i.system_id = f.system_id"
        + " AND i.dataset = f.dataset AND i.split = f.split AND i.src_lang = f.src_lang AND i.tgt_lang = f.pivot_lang"
        + " AND i.doc_id <=> f.doc_id AND i.seg_id = f.seg_id"
        + " WHERE f.system_id = '" + system + "' AND f.src_lang = 'de' ORDER BY f.seg_id").collectAsList();
    assertThat(linked).hasSize(4);
    for (Row r : linked) {
      assertThat(r.getString(1)).isEqualTo(german.get(r.getInt(0) - 1));
      String prompt = PromptFormat.ALMA.prompt("English", "French", r.getString(2));
      assertThat(r.getInt(3)).isEqualTo(1 + prompt.getBytes(StandardCharsets.UTF_8).length); // BOS + bytes
      assertThat(r.getString(4)).isEqualTo(PromptFormat.firstLine(r.getString(5)));
    }

    // Scored like any pair, with the French reference.
    EvaluateTranslationsJob.Result scores = new EvaluateTranslationsJob(warehouse, TranslateTestSetJobTest.REGISTRY,
        RunContext.start("eval-pivot")).option(EvaluateTranslationsJob.SYSTEMS, system)
        .option(EvaluateTranslationsJob.METRICS, "chrf").option(EvaluateTranslationsJob.CONFIDENCE, "false").execute();
    assertThat(scores.pairs()).extracting(p -> p.srcLang() + "-" + p.tgtLang() + ":" + p.segments())
        .containsExactly("de-en:4", "de-fr:4", "fr-de:4", "fr-en:4");

    TranslateTestSetJob.Result again = job("pivot-3").option(TranslateTestSetJob.ROUTING, "dat")
        .option(TranslateTestSetJob.DIRECTIONS, "de-fr,fr-de").option(TranslateTestSetJob.PIVOT, "en").execute();
    assertThat(again.segmentsTranslated()).isZero();
    assertThat(again.chunks()).isZero();
  }

  @Test
  void nonEnglishPairsNeedAnExplicitRouteAndMissingAdaptersFailBeforeWriting() {
    assertThatThrownBy(() -> job("r-1").option(TranslateTestSetJob.ROUTING, "dat")
            .option(TranslateTestSetJob.DIRECTIONS, "all").option(TranslateTestSetJob.SYSTEM_ID, "no-route").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Cannot route cs-de (and 71 more non-English pairs) with routing dat: it routes English-centric pairs"
            + " only (xx-en, en-xx); translate non-English pairs through English with --pivot en (inference.pivot), or"
            + " with --xx-yy-route base|multilingual (inference.xx-yy-route)");
    assertThatThrownBy(() -> job("r-2").option(TranslateTestSetJob.ROUTING, "dat")
            .option(TranslateTestSetJob.DIRECTIONS, "de-cs").option(TranslateTestSetJob.PIVOT, "en")
            .option(TranslateTestSetJob.SYSTEM_ID, "no-route").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot route en-cs with routing dat: no row in table adapters with strategy = 'dat', direction ="
            + " 'en-xx', language = null, group_id = 5; expected one");
    assertThatThrownBy(() -> job("r-3").option(TranslateTestSetJob.DIRECTIONS, "de-cs")
            .option(TranslateTestSetJob.PIVOT, "en").option(TranslateTestSetJob.XX_YY_ROUTE, "base").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Options inference.pivot and inference.xx-yy-route both say how non-English pairs are translated;"
            + " choose one");
    assertThat(count("SELECT count(*) FROM " + DB + ".translations WHERE system_id = 'no-route'")).isZero();

    // Explicitly on the base model: German -> French without an adapter, English pairs with theirs.
    TranslateTestSetJob.Result base = job("r-4").option(TranslateTestSetJob.ROUTING, "dat")
        .option(TranslateTestSetJob.DIRECTIONS, "de-fr,de-en").option(TranslateTestSetJob.XX_YY_ROUTE, "base")
        .option(TranslateTestSetJob.SYSTEM_ID, "dat-xx-yy-base").execute();
    assertThat(base.segmentsTranslated()).isEqualTo(8);
    assertThat(rows("SELECT DISTINCT concat(src_lang, '-', tgt_lang, ':', coalesce(adapter_id, 'base')) FROM " + DB
        + ".translations WHERE system_id = 'dat-xx-yy-base' ORDER BY 1")).containsExactly("[de-en:dat-de-en]", "[de-fr:base]");
  }

  @Test
  void promptFormatsReachTheModelAndAreRecorded() throws Exception {
    TranslateTestSetJob.Result llamax = job("p-1").option(TranslateTestSetJob.DIRECTIONS, "de-en")
        .option(TranslateTestSetJob.PROMPT, "llamax").option(TranslateTestSetJob.MAX_NEW_TOKENS, "6").execute();
    assertThat(llamax.systemId()).isEqualTo("tiny-llama-none-llamax");
    List<Row> rows = spark.sql("SELECT source_text, prompt_tokens, decoding, hypothesis, raw_output FROM " + DB
        + ".translations WHERE system_id = 'tiny-llama-none-llamax' ORDER BY seg_id").collectAsList();
    assertThat(rows).hasSize(4);
    for (Row r : rows) {
      String prompt = PromptFormat.LLAMAX.prompt("German", "English", r.getString(0));
      assertThat(r.getInt(1)).isEqualTo(1 + prompt.getBytes(StandardCharsets.UTF_8).length);
      assertThat(r.getString(2)).isEqualTo("greedy:max6:llamax");
      assertThat(r.getString(3)).isEqualTo(PromptFormat.LLAMAX.hypothesis(r.getString(4)));
    }

    Path template = SparkTestSession.newFolder("prompt").resolve("short.txt");
    Files.writeString(template, "Translate {Src} to {Tgt}: {source}\n");
    TranslateTestSetJob.Result custom = job("p-2").option(TranslateTestSetJob.DIRECTIONS, "de-en")
        .option(TranslateTestSetJob.PROMPT, template.toString()).option(TranslateTestSetJob.MAX_NEW_TOKENS, "6")
        .option(TranslateTestSetJob.SYSTEM_ID, "custom-prompt").execute();
    assertThat(custom.segmentsTranslated()).isEqualTo(4);
    Row first = spark.sql("SELECT source_text, prompt_tokens, decoding FROM " + DB
        + ".translations WHERE system_id = 'custom-prompt' AND seg_id = 1").first();
    assertThat(first.getInt(1)).isEqualTo(1 + ("Translate German to English: " + first.getString(0))
        .getBytes(StandardCharsets.UTF_8).length);
    assertThat(first.getString(2)).matches("greedy:max6:prompt-[0-9a-f]{8}");

    assertThatThrownBy(() -> job("p-3").option(TranslateTestSetJob.DIRECTIONS, "de-en")
            .option(TranslateTestSetJob.PROMPT, "llamax").option(TranslateTestSetJob.SHOTS, "1").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option inference.shots = 1 needs a prompt with a few-shot form (alma, x-alma); prompt llamax has none");
    assertThatThrownBy(() -> job("p-4").option(TranslateTestSetJob.PROMPT, "alma")
            .option(TranslateTestSetJob.CHAT_TEMPLATE, "true").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option inference.chat-template = true is prompt x-alma; it contradicts inference.prompt = alma");
    assertThatThrownBy(() -> job("p-5").option(TranslateTestSetJob.PROMPT, "/no/such/prompt.txt").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option inference.prompt must be alma, x-alma, llamax or a template file; no file /no/such/prompt.txt");
  }
}
