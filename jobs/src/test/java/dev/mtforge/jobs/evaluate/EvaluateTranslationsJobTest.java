package dev.mtforge.jobs.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.metrics.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The evaluate job on rows we write ourselves (prepare and translate are built elsewhere): its
 * pair scores equal sacreBLEU 2.6.0's on the same segments, do not depend on partitioning, and a
 * re-run changes nothing. Expected scores: sacreBLEU's {@code BLEU/CHRF/TER().corpus_score} on
 * the same sentences, recorded in udfs/src/test/resources/parity/metrics.jsonl (cases sys1-2ref,
 * sys2-2ref and zh) by udfs/src/test/python/make_parity_fixtures.py.
 */
class EvaluateTranslationsJobTest {
  static final List<String> REFS_A =
      List.of("The cat sat on the mat.", "It is raining heavily in Berlin today.",
          "The committee approved the budget for 2024 after a long debate.",
          "She said: \"We will not give up.\"", "Prices rose by 3.5% in the first quarter.", "",
          "Please close the door when you leave the room.", "The new bridge opens on Monday, 5 May.",
          "Scientists found water on the moon's surface.", "He doesn't like coffee, but he loves tea.",
          "The quick brown fox jumps over the lazy dog.", "Our flight was delayed by two hours.");
  static final List<String> REFS_B =
      List.of("A cat was sitting on the mat.", "Today it rains a lot in Berlin.",
          "After a lengthy debate, the committee passed the 2024 budget.",
          "\"We won't give up,\" she said.", "In the first quarter, prices increased by 3.5%.",
          "Nothing.", "Close the door, please, when leaving the room.",
          "On Monday, 5 May, the new bridge opens.",
          "Water was discovered on the surface of the moon by scientists.",
          "He dislikes coffee but loves tea.", "A quick brown fox jumped over a lazy dog.",
          "The flight was two hours late.");
  static final List<String> SYS_1 =
      List.of("The cat sat on the mat.", "It rains heavily in Berlin today.",
          "The committee approved the 2024 budget after long debate.",
          "She said: We will not give up.", "Prices rose 3.5 % in the first quarter.", "",
          "Please close the door when leaving the room", "The new bridge opens Monday 5 May.",
          "Scientists have found water on the surface of the moon.",
          "He does not like coffee but he loves tea.", "The fast brown fox jumps over the lazy dog.",
          "our flight was delayed two hours .");
  static final List<String> SYS_2 =
      List.of("the cat is on the mat", "Raining in Berlin.", "Budget approved.",
          "She says she will not give up", "Prices went up.", "Something.", "Close door.",
          "Bridge open Monday.", "Water on moon.", "Coffee no, tea yes.", "Fox jumps dog.",
          "Flight late two hours delayed our was.");
  static final List<String> ZH_REFS =
      List.of("我爱北京天安门。", "今天天气很好，我们去公园散步吧！", "价格上涨了3.5%。", "他说：“我们不会放弃。”");
  static final List<String> ZH_HYPS =
      List.of("我喜欢北京天安门。", "今天天气不错，我们去公园走走吧!", "价格上涨3.5%", "他说“我们决不放弃”。");

  private final SparkSession spark = SparkTestSession.get();

  private Warehouse warehouse() {
    // a database of its own: the shared test session's catalog is shared by every test class
    Warehouse w = Warehouse.open(spark, SparkTestSession.newFolder("evaluate").toString(), "evaluate_test");
    List<Row> refs = new ArrayList<>();
    for (int i = 0; i < REFS_A.size(); i++) {
      refs.add(parallel("en", "de", "d1", i + 1, REFS_A.get(i), List.of(REFS_B.get(i))));
    }
    for (int i = 0; i < ZH_REFS.size(); i++) {
      refs.add(parallel("en", "zh", null, i + 1, ZH_REFS.get(i), null));
    }
    append(w, Tables.PARALLEL_SENTENCES, spark.createDataFrame(refs, parallelSchema()));
    List<Row> hyps = new ArrayList<>();
    for (int i = 0; i < SYS_1.size(); i++) {
      hyps.add(translation("sysA", "en", "de", "d1", i + 1, SYS_1.get(i)));
      hyps.add(translation("sysB", "en", "de", "d1", i + 1, SYS_2.get(i)));
    }
    for (int i = 0; i < ZH_HYPS.size(); i++) {
      hyps.add(translation("sysA", "en", "zh", null, i + 1, ZH_HYPS.get(i)));
    }
    append(w, Tables.TRANSLATIONS, spark.createDataFrame(hyps, translationSchema()));
    return w;
  }

  @Test
  void pairScoresMatchSacrebleuWhateverThePartitioningReRunsChangeNothingAndBadInputWritesNothing() {
    Warehouse w = warehouse();
    LanguageRegistry registry = LanguageRegistry.defaults();
    EvaluateTranslationsJob.Result one =
        new EvaluateTranslationsJob(w, registry, RunContext.start("run-1"))
            .option(EvaluateTranslationsJob.METRICS, "bleu,chrf++,ter")
            .option(EvaluateTranslationsJob.PARTITIONS, "1")
            .execute();
    assertThat(one.segmentScores()).isEqualTo(3 * (12 * 2 + 4));
    Map<String, Double> first = pairScores(w);
    // sacreBLEU 2.6.0 corpus_score on the same segments (parity fixtures sys1-2ref, sys2-2ref, zh)
    assertThat(first.get("sysA en-de BLEU")).isCloseTo(61.602508482819694, within(1e-9));
    assertThat(first.get("sysA en-de chrF2++")).isCloseTo(76.28439555446636, within(1e-9));
    assertThat(first.get("sysA en-de TER")).isCloseTo(29.88505747126437, within(1e-9));
    assertThat(first.get("sysB en-de BLEU")).isCloseTo(7.484481045337867, within(1e-9));
    assertThat(first.get("sysB en-de chrF2++")).isCloseTo(28.291005690166138, within(1e-9));
    assertThat(first.get("sysA en-zh BLEU")).isCloseTo(44.0650161328887, within(1e-9)); // tok zh
    assertThat(first.get("sysA en-zh chrF2++")).isCloseTo(31.74912185938798, within(1e-9));

    // sacreBLEU 2.6.0's -ci (1000 resamples, seed 12345) on the same segments in seg_id order:
    // mean and half-width printed by src/test/python/make_evaluate_ci_fixtures.py
    Map<String, double[]> ci = pairIntervals(w);
    assertInterval(ci.get("sysA en-de BLEU"), 61.706741594687486, 9.043455272978083);
    assertInterval(ci.get("sysA en-de chrF2++"), 76.37614440917969, 3.697864532470703);
    assertInterval(ci.get("sysA en-de TER"), 29.773536682128906, 8.271039009094238);
    assertInterval(ci.get("sysB en-de BLEU"), 7.492335118183346, 6.124611754766111);
    assertInterval(ci.get("sysA en-zh BLEU"), 43.555793038320076, 19.031348570465262);
    assertThat(spark.sql("SELECT count(*) FROM evaluate_test.system_scores WHERE scope <> 'pair'"
        + " AND ci_low IS NOT NULL").first().getLong(0)).as("macro averages carry no interval").isZero();

    Row sig = spark.sql("SELECT signature, segments, stats FROM evaluate_test.system_scores WHERE scope = 'pair'"
        + " AND system_id = 'sysA' AND tgt_lang = 'zh' AND metric = 'BLEU'").first();
    assertThat(sig.getString(0)).isEqualTo("nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp|version:" + Signature.VERSION);
    assertThat(sig.getLong(1)).isEqualTo(4);
    Row avg = spark.sql("SELECT score, segments FROM evaluate_test.system_scores WHERE scope = 'all'"
        + " AND system_id = 'sysA' AND metric = 'BLEU'").first();
    assertThat(avg.getDouble(0)).isCloseTo((61.602508482819694 + 44.0650161328887) / 2, within(1e-9));
    assertThat(avg.getLong(1)).isEqualTo(16);
    long systemRows = spark.sql("SELECT count(*) FROM evaluate_test.system_scores").first().getLong(0);
    assertThat(systemRows).isEqualTo(one.systemScores());

    new EvaluateTranslationsJob(w, registry, RunContext.start("run-2"))
        .option(EvaluateTranslationsJob.METRICS, "bleu,chrf++,ter")
        .option(EvaluateTranslationsJob.PARTITIONS, "5")
        .execute();
    assertThat(pairScores(w)).isEqualTo(first);
    Map<String, double[]> again = pairIntervals(w);
    assertThat(again.keySet()).isEqualTo(ci.keySet());
    ci.forEach((k, v) -> assertThat(again.get(k)).as(k).containsExactly(v));
    assertThat(spark.sql("SELECT count(*) FROM evaluate_test.system_scores").first().getLong(0)).isEqualTo(systemRows);
    assertThat(spark.sql("SELECT count(*) FROM evaluate_test.segment_scores").first().getLong(0)).isEqualTo(84);
    assertThat(spark.sql("SELECT count(DISTINCT run_id) FROM evaluate_test.segment_scores").first().getLong(0)).isEqualTo(1);

    // a translation without reference: rejected before anything is written
    append(w, Tables.TRANSLATIONS,
        spark.createDataFrame(List.of(translation("sysC", "en", "de", "d1", 99, "extra")), translationSchema()));
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, registry, RunContext.start("run-3")).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot evaluate: 1 translation(s) have no reference in parallel_sentences, e.g."
            + " system sysC, flores/devtest en-de doc d1 seg 99");
    assertThat(spark.sql("SELECT count(*) FROM evaluate_test.segment_scores WHERE run_id = 'run-3'").first().getLong(0)).isZero();
    assertThat(spark.sql("SELECT count(*) FROM evaluate_test.system_scores").first().getLong(0)).isEqualTo(systemRows);
  }

  private static void assertInterval(double[] lowHigh, double mean, double halfWidth) {
    assertThat((lowHigh[0] + lowHigh[1]) / 2).isCloseTo(mean, within(1e-9));
    assertThat((lowHigh[1] - lowHigh[0]) / 2).isCloseTo(halfWidth, within(1e-9));
  }

  private Map<String, double[]> pairIntervals(Warehouse w) {
    Map<String, double[]> out = new TreeMap<>();
    for (Row r : spark.sql("SELECT system_id, src_lang, tgt_lang, metric, ci_low, ci_high"
        + " FROM evaluate_test.system_scores WHERE scope = 'pair'").collectAsList()) {
      out.put(r.getString(0) + " " + r.getString(1) + "-" + r.getString(2) + " " + r.getString(3),
          new double[] {r.getDouble(4), r.getDouble(5)});
    }
    return out;
  }

  @Test
  void optionsAreCheckedBeforeAnySparkWork() {
    Warehouse w = Warehouse.open(spark, SparkTestSession.newFolder("evaluate-opts").toString(), "evaluate_opts_test");
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, LanguageRegistry.defaults(), RunContext.start("r"))
            .option("metrics.tokeniser", "13a").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown option 'metrics.tokeniser' for evaluate; known: [evaluate.partitions,"
            + " evaluate.systems, metrics.comet-batch-tokens, metrics.comet-model, metrics.comet-threads,"
            + " metrics.cometkiwi-model, metrics.confidence, metrics.confidence-n, metrics.lowercase, metrics.names,"
            + " metrics.seed, metrics.spm-model, metrics.tokenizer]");
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, LanguageRegistry.defaults(), RunContext.start("r"))
            .option(EvaluateTranslationsJob.CONFIDENCE_N, "0").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Option metrics.confidence-n must be a positive integer, got '0'");
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, LanguageRegistry.defaults(), RunContext.start("r"))
            .option(EvaluateTranslationsJob.LOWERCASE, "yes").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option metrics.lowercase must be true or false, got 'yes'");
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, LanguageRegistry.defaults(), RunContext.start("r"))
            .option(EvaluateTranslationsJob.METRICS, "bleu,meteor").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown metric 'meteor'; known: bleu, chrf, chrf++, ter, spbleu, comet, cometkiwi");
    assertThat(w.exists("segment_scores")).isFalse();
  }

  /** Test input written with a plain append (a MERGE costs seconds), conformed to the contract. */
  private static void append(Warehouse w, dev.mtforge.schemas.tables.TableContract contract,
      org.apache.spark.sql.Dataset<Row> rows) {
    w.ensure(contract);
    Warehouse.conform(contract, complete(contract, rows))
        .write().format("delta").mode("append").save(w.tablePath(contract.name()));
  }

  /** The contract's other columns as typed nulls, plus lineage: the columns prepare/translate fill. */
  private static org.apache.spark.sql.Dataset<Row> complete(
      dev.mtforge.schemas.tables.TableContract contract, org.apache.spark.sql.Dataset<Row> rows) {
    List<String> given = List.of(rows.columns());
    for (var field : contract.schema().fields()) {
      if (!given.contains(field.name()) && !List.of("run_id", "created_at", "source").contains(field.name())) {
        rows = rows.withColumn(field.name(), org.apache.spark.sql.functions.lit(null).cast(field.dataType()));
      }
    }
    return RunContext.start("test").stamp(rows, "test");
  }

  private Map<String, Double> pairScores(Warehouse w) {
    Map<String, Double> out = new TreeMap<>();
    for (Row r : spark.sql("SELECT system_id, src_lang, tgt_lang, metric, score FROM evaluate_test.system_scores"
        + " WHERE scope = 'pair'").collectAsList()) {
      out.put(r.getString(0) + " " + r.getString(1) + "-" + r.getString(2) + " " + r.getString(3), r.getDouble(4));
    }
    return out;
  }

  private static Row parallel(String src, String tgt, String doc, int seg, String ref, List<String> extra) {
    return RowFactory.create("flores", "devtest", doc, seg, src, tgt, "source " + seg, ref, extra,
        EvaluateTranslationsJob.direction(src, tgt), "h" + src + tgt + seg);
  }

  private static StructType parallelSchema() {
    return new StructType()
        .add("dataset", DataTypes.StringType).add("split", DataTypes.StringType)
        .add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
        .add("src_lang", DataTypes.StringType).add("tgt_lang", DataTypes.StringType)
        .add("src_text", DataTypes.StringType).add("tgt_text", DataTypes.StringType)
        .add("extra_refs", DataTypes.createArrayType(DataTypes.StringType))
        .add("direction", DataTypes.StringType).add("pair_hash", DataTypes.StringType);
  }

  private static Row translation(String system, String src, String tgt, String doc, int seg, String hyp) {
    return RowFactory.create(system, "flores", "devtest", src, tgt, EvaluateTranslationsJob.direction(src, tgt),
        doc, seg, "source " + seg, hyp);
  }

  private static StructType translationSchema() {
    return new StructType()
        .add("system_id", DataTypes.StringType).add("dataset", DataTypes.StringType)
        .add("split", DataTypes.StringType).add("src_lang", DataTypes.StringType)
        .add("tgt_lang", DataTypes.StringType).add("direction", DataTypes.StringType)
        .add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
        .add("source_text", DataTypes.StringType).add("hypothesis", DataTypes.StringType);
  }
}
