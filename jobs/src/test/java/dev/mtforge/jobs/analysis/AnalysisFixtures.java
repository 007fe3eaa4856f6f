package dev.mtforge.jobs.analysis;

import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.jobs.systems.SystemsTable;
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
import org.apache.spark.sql.SparkSession;

/**
 * Synthetic warehouses for the analysis tests: segment and pair scores of a metric without
 * statistics (COMET-like: the corpus score is the mean of the segment scores), systems rows,
 * translations with off-target verdicts. Every number is chosen by the test, so every delta,
 * mean and count the analysis writes is known.
 */
public final class AnalysisFixtures {
  public static final LanguageRegistry REGISTRY = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));
  public static final String DATASET = "flores200";
  public static final String SPLIT = "devtest";
  /** A mean-of-segments metric label, as COMET's rows will carry. */
  public static final String COMET = "comet";
  public static final String COMET_SIGNATURE = "model:test-comet|version:test";
  public static final int SEGMENTS = 50;

  private final Warehouse warehouse;
  private final List<Row> segmentRows = new ArrayList<>();
  private final List<Row> pairRows = new ArrayList<>();
  private final List<SystemRow> systemRows = new ArrayList<>();
  private final List<Row> translationRows = new ArrayList<>();

  private AnalysisFixtures(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** An empty warehouse in its own database. */
  public static AnalysisFixtures create(String name) {
    SparkSession spark = SparkTestSession.get();
    return new AnalysisFixtures(Warehouse.open(spark, SparkTestSession.newFolder(name).toString(), name.replace('-', '_')));
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  /** The baseline's segment scores of every pair: 0.70 + 0.01 * ((7 i) mod 11). */
  public static double[] baselineScores() {
    double[] out = new double[SEGMENTS];
    for (int i = 0; i < SEGMENTS; i++) {
      out[i] = 0.70 + 0.01 * ((7 * i) % 11);
    }
    return out;
  }

  /** The baseline's scores plus a constant delta (a shift every resample sees). */
  public static double[] shifted(double delta) {
    double[] out = baselineScores();
    for (int i = 0; i < out.length; i++) {
      out[i] += delta;
    }
    return out;
  }

  /** The baseline's scores plus {@code delta} plus noise of +-0.1 that averages to zero. */
  public static double[] noisy(double delta) {
    double[] out = shifted(delta);
    for (int i = 0; i < out.length; i++) {
      out[i] += i % 2 == 0 ? 0.1 : -0.1;
    }
    return out;
  }

  /** Segment scores of a pair (segments 1..n of doc null) and its pair score, their mean. */
  public AnalysisFixtures scores(String system, String src, String tgt, double[] scores) {
    return scores(system, DATASET, SPLIT, src, tgt, COMET, COMET_SIGNATURE, scores);
  }

  public AnalysisFixtures scores(String system, String dataset, String split, String src, String tgt, String metric,
      String signature, double[] scores) {
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      segmentRows.add(RowFactory.create(system, dataset, split, src, tgt, null, i + 1, metric, signature, scores[i], null));
      sum += scores[i];
    }
    pairRows.add(pairRow(system, dataset, split, src, tgt, metric, signature, sum / scores.length, scores.length));
    return this;
  }

  /** A pair score without segment scores (for the tables that read only system_scores). */
  public AnalysisFixtures pairScore(String system, String src, String tgt, double score) {
    pairRows.add(pairRow(system, DATASET, SPLIT, src, tgt, COMET, COMET_SIGNATURE, score, SEGMENTS));
    return this;
  }

  private static Row pairRow(String system, String dataset, String split, String src, String tgt, String metric,
      String signature, double score, long segments) {
    String direction = src.equals("en") ? "en-xx" : tgt.equals("en") ? "xx-en" : "xx-yy";
    return RowFactory.create(system, dataset, split, "pair", src, tgt, direction, null, null, null, metric, signature,
        score, segments, null, null, null);
  }

  /** evaluate's scopes above the pair: means of the pair scores per direction and per group. */
  private static List<Row> means(List<Row> pairs) {
    Map<List<Object>, List<Double>> scopes = new java.util.LinkedHashMap<>();
    for (Row p : pairs) {
      String direction = p.getString(6);
      if (direction.equals("xx-yy")) {
        continue;
      }
      String other = direction.equals("xx-en") ? p.getString(4) : p.getString(5);
      List<Object> base = List.of(p.getString(0), p.getString(1), p.getString(2), p.getString(10), p.getString(11), direction);
      scopes.computeIfAbsent(key(base, "direction", -1), k -> new ArrayList<>()).add(p.getDouble(12));
      for (int g : REGISTRY.language(other).groups()) {
        scopes.computeIfAbsent(key(base, "group", g), k -> new ArrayList<>()).add(p.getDouble(12));
      }
    }
    List<Row> out = new ArrayList<>();
    scopes.forEach((k, scores) -> out.add(RowFactory.create(k.get(0), k.get(1), k.get(2), k.get(6), null, null, k.get(5),
        (Integer) k.get(7) < 0 ? null : k.get(7), null, null, k.get(3), k.get(4),
        scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), (long) SEGMENTS * scores.size(), null,
        null, null)));
    return out;
  }

  private static List<Object> key(List<Object> base, String scope, int group) {
    List<Object> k = new ArrayList<>(base);
    k.add(scope);
    k.add(group);
    return k;
  }

  /** Writes the rows collected so far, one MERGE per table (and forgets them). */
  public AnalysisFixtures write() {
    SparkSession spark = warehouse.spark();
    RunContext run = RunContext.start("fixture");
    if (!segmentRows.isEmpty()) {
      warehouse.insertNew(Tables.SEGMENT_SCORES,
          run.stamp(spark.createDataFrame(segmentRows, Tables.SEGMENT_SCORES.dataSchema()), "fixture"));
    }
    if (!pairRows.isEmpty()) {
      List<Row> all = new ArrayList<>(pairRows);
      all.addAll(means(pairRows));
      warehouse.insertNew(Tables.SYSTEM_SCORES, run.stamp(spark.createDataFrame(all, Tables.SYSTEM_SCORES.dataSchema()), "fixture"));
    }
    if (!systemRows.isEmpty()) {
      new SystemsTable(warehouse).record(systemRows, run, "fixture");
    }
    if (!translationRows.isEmpty()) {
      warehouse.insertNew(Tables.TRANSLATIONS,
          run.stamp(spark.createDataFrame(translationRows, Tables.TRANSLATIONS.dataSchema()), "translate:fixture"));
    }
    segmentRows.clear();
    pairRows.clear();
    systemRows.clear();
    translationRows.clear();
    return this;
  }

  /** A systems row. */
  public AnalysisFixtures system(String id, SystemStrategy strategy, String model, List<String> languages,
      Map<String, String> adapters) {
    systemRows.add(new SystemRow(id, SystemRow.TRANSLATE, strategy, model, languages, adapters,
        Map.of("num_beams", "5"), "alma", "Translate this from {src_lang} to {tgt_lang}:", null));
    return this;
  }

  /** Translations rows with the given off-target verdicts (null: no verdict) and detected languages. */
  public AnalysisFixtures translations(String system, String src, String tgt, Boolean[] offTarget, String[] detected) {
    for (int i = 0; i < offTarget.length; i++) {
      translationRows.add(RowFactory.create(system, DATASET, SPLIT, src, tgt, tgt.equals("en") ? "xx-en" : "en-xx", null, i + 1,
          "source " + i, "hypothesis " + i, null, "dat", null, null, "tiny", "greedy:max64", null, null, null,
          detected[i], offTarget[i], null));
    }
    return this;
  }
}
