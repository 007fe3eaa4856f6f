package dev.mtforge.jobs.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.metrics.BootstrapConfidence;
import dev.mtforge.udfs.metrics.Comet;
import dev.mtforge.udfs.metrics.comet.CometPackage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluate --metrics comet,cometkiwi} on the tiny models: the golden system's segment and
 * pair scores equal the torch reference's (sample-data/models/tiny-comet/golden.json, written by
 * sample-data/models/generate_tiny_comet.py with Debian torch 1.13), four systems share the
 * encodings of each source and reference, partitioning changes nothing, and the confidence
 * interval is sacreBLEU's bootstrap over the segment scores in key order.
 */
class EvaluateCometTest {
  private static final Path COMET = SparkTestSession.repoRoot().resolve("sample-data/models/tiny-comet");
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void scoresEverySystemWithSharedEncodingsAndExactAggregates() throws IOException {
    JsonNode golden = new ObjectMapper().readTree(COMET.resolve("golden.json").toFile());
    JsonNode segments = golden.get("segments");
    int n = segments.size();
    Warehouse w = Warehouse.open(spark, SparkTestSession.newFolder("evaluate-comet").toString(), "evaluate_comet_test");
    List<Row> refs = new ArrayList<>();
    List<Row> hyps = new ArrayList<>();
    Set<String> regressionTexts = new HashSet<>();
    Set<String> kiwiPairs = new HashSet<>();
    for (int i = 0; i < n; i++) {
      JsonNode s = segments.get(i);
      refs.add(RowFactory.create("flores", "devtest", null, i + 1, "de", "en", s.get("src").asText(),
          s.get("ref").asText(), null, "xx-en", "h" + i));
      regressionTexts.add(s.get("src").asText());
      regressionTexts.add(s.get("ref").asText());
      for (int system = 0; system < 4; system++) {
        String mt = segments.get((i + system) % n).get("mt").asText();
        hyps.add(RowFactory.create("sys" + system, "flores", "devtest", "de", "en", "xx-en", null, i + 1,
            s.get("src").asText(), mt));
        regressionTexts.add(mt);
        kiwiPairs.add(mt + "\u0000" + s.get("src").asText());
      }
    }
    append(w, Tables.PARALLEL_SENTENCES, spark.createDataFrame(refs, parallelSchema()));
    append(w, Tables.TRANSLATIONS, spark.createDataFrame(hyps, translationSchema()));

    EvaluateTranslationsJob.Result one = job(w, "run-1").option(EvaluateTranslationsJob.PARTITIONS, "1").execute();
    assertThat(one.segmentScores()).isEqualTo(2L * 4 * n);
    // one task saw every segment: each distinct text (and unified pair) went through an encoder once
    assertThat(one.comet().encoded()).isEqualTo(regressionTexts.size() + kiwiPairs.size());
    assertThat(one.comet().unsharedPasses()).isEqualTo(3L * 4 * n + 4L * n);
    assertThat(one.comet().segmentScores()).isEqualTo(2L * 4 * n);

    Map<String, Double> seg = segmentScores();
    for (int i = 0; i < n; i++) {
      JsonNode s = segments.get(i);
      assertThat(seg.get("sys0 " + (i + 1) + " COMET")).as("segment %d", i).isCloseTo(s.get("comet").asDouble(), within(1e-5));
      assertThat(seg.get("sys0 " + (i + 1) + " CometKiwi")).as("segment %d", i)
          .isCloseTo(s.get("cometkiwi").asDouble(), within(1e-5));
    }
    Map<String, Row> pairs = pairRows();
    Row comet = pairs.get("sys0 COMET");
    assertThat(comet.getDouble(0)).isCloseTo(golden.at("/regression/system_score").asDouble(), within(1e-5));
    assertThat(pairs.get("sys0 CometKiwi").getDouble(0)).isCloseTo(golden.at("/unified/system_score").asDouble(), within(1e-5));
    Comet metric = new Comet(CometPackage.open(COMET.resolve("comet-da")).manifest());
    assertThat(comet.getString(1)).isEqualTo(metric.signature(1).format());
    assertThat(comet.getString(1)).startsWith("nrefs:1|model:tiny-comet-da|class:regression_metric|mix:sparsemax|dtype:float32");
    assertThat(comet.getLong(2)).isEqualTo(n);

    // the interval is sacreBLEU's -ci procedure (1000 resamples, seed 12345) on the segment scores in seg_id order
    List<long[]> stats = new ArrayList<>();
    for (Row r : spark.sql("SELECT stats FROM evaluate_comet_test.segment_scores WHERE system_id = 'sys0'"
        + " AND metric = 'COMET' ORDER BY seg_id").collectAsList()) {
      List<Long> v = r.getList(0);
      stats.add(new long[] {v.get(0), v.get(1)});
    }
    BootstrapConfidence.Interval ci = BootstrapConfidence.of(1000, 12345).estimate(metric, stats);
    assertThat(comet.getDouble(3)).isEqualTo(ci.low());
    assertThat(comet.getDouble(4)).isEqualTo(ci.high());
    assertThat(ci.low()).isLessThan(comet.getDouble(0)).isLessThan(ci.high());

    // 3 partitions: more encoder passes (each task shares only its own segments), the same scores
    // but for the last float32 bits, which move with a batch's composition (as COMET's do with its
    // batch size); the sums over them are exact whatever the partitioning
    EvaluateTranslationsJob.Result three = job(w, "run-2").option(EvaluateTranslationsJob.PARTITIONS, "3").execute();
    assertThat(three.comet().encoded()).isLessThanOrEqualTo((4L + 2) * n + 4L * n);
    Map<String, Row> again = pairRows();
    assertThat(again.keySet()).isEqualTo(pairs.keySet());
    pairs.forEach((k, v) -> {
      assertThat(again.get(k).getDouble(0)).as(k).isCloseTo(v.getDouble(0), within(1e-6));
      assertThat(again.get(k).getDouble(3)).as(k).isCloseTo(v.getDouble(3), within(1e-6));
    });
    assertThat(spark.sql("SELECT count(*) FROM evaluate_comet_test.segment_scores").first().getLong(0)).isEqualTo(8L * n);
  }

  @Test
  void optionsAndPackagesAreCheckedBeforeAnySparkWork() {
    Warehouse w = Warehouse.open(spark, SparkTestSession.newFolder("evaluate-comet-opts").toString(), "evaluate_comet_opts");
    LanguageRegistry registry = LanguageRegistry.defaults();
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, registry, RunContext.start("r"))
            .option(EvaluateTranslationsJob.METRICS, "bleu,comet").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Metric comet needs a COMET package: set option metrics.comet-model (export one with"
            + " deploy/export/export_comet.py)");
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, registry, RunContext.start("r"))
            .option(EvaluateTranslationsJob.METRICS, "comet")
            .option(EvaluateTranslationsJob.COMET_MODEL, COMET.resolve("cometkiwi-da").toString()).execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Metric comet needs a reference-based (regression_metric) COMET package; "
            + COMET.resolve("cometkiwi-da").toAbsolutePath() + " is unified_metric (use cometkiwi)");
    Path missing = COMET.resolve("no-such-package");
    assertThatThrownBy(() -> new EvaluateTranslationsJob(w, registry, RunContext.start("r"))
            .option(EvaluateTranslationsJob.METRICS, "cometkiwi")
            .option(EvaluateTranslationsJob.COMET_MODEL, missing.toString()).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Not a COMET package: " + missing.toAbsolutePath() + " has no mtforge-comet.json (write packages"
            + " with deploy/export/export_comet.py)");
    assertThat(w.exists("segment_scores")).isFalse();
  }

  private EvaluateTranslationsJob job(Warehouse w, String run) {
    return new EvaluateTranslationsJob(w, LanguageRegistry.defaults(), RunContext.start(run))
        .option(EvaluateTranslationsJob.METRICS, "comet,cometkiwi")
        .option(EvaluateTranslationsJob.COMET_MODEL, COMET.resolve("comet-da").toString())
        .option(EvaluateTranslationsJob.COMETKIWI_MODEL, COMET.resolve("cometkiwi-da").toString())
        .option(EvaluateTranslationsJob.COMET_BATCH_TOKENS, "2048");
  }

  private Map<String, Double> segmentScores() {
    Map<String, Double> out = new TreeMap<>();
    for (Row r : spark.sql("SELECT system_id, seg_id, metric, score FROM evaluate_comet_test.segment_scores")
        .collectAsList()) {
      out.put(r.getString(0) + " " + r.getInt(1) + " " + r.getString(2), r.getDouble(3));
    }
    return out;
  }

  /** Pair rows: score, signature, segments, ci_low, ci_high. */
  private Map<String, Row> pairRows() {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : spark.sql("SELECT system_id, metric, score, signature, segments, ci_low, ci_high"
        + " FROM evaluate_comet_test.system_scores WHERE scope = 'pair'").collectAsList()) {
      out.put(r.getString(0) + " " + r.getString(1),
          RowFactory.create(r.getDouble(2), r.getString(3), r.getLong(4), r.getDouble(5), r.getDouble(6)));
    }
    return out;
  }

  private static void append(Warehouse w, TableContract contract, Dataset<Row> rows) {
    w.ensure(contract);
    List<String> given = List.of(rows.columns());
    for (var field : contract.schema().fields()) {
      if (!given.contains(field.name()) && !List.of("run_id", "created_at", "source").contains(field.name())) {
        rows = rows.withColumn(field.name(), functions.lit(null).cast(field.dataType()));
      }
    }
    Warehouse.conform(contract, RunContext.start("test").stamp(rows, "test"))
        .write().format("delta").mode("append").save(w.tablePath(contract.name()));
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

  private static StructType translationSchema() {
    return new StructType()
        .add("system_id", DataTypes.StringType).add("dataset", DataTypes.StringType)
        .add("split", DataTypes.StringType).add("src_lang", DataTypes.StringType)
        .add("tgt_lang", DataTypes.StringType).add("direction", DataTypes.StringType)
        .add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
        .add("source_text", DataTypes.StringType).add("hypothesis", DataTypes.StringType);
  }
}
