package dev.mtforge.jobs.analysis;

import static dev.mtforge.jobs.analysis.AnalysisFixtures.COMET;
import static dev.mtforge.jobs.analysis.AnalysisFixtures.REGISTRY;
import static dev.mtforge.jobs.analysis.AnalysisFixtures.baselineScores;
import static dev.mtforge.jobs.analysis.AnalysisFixtures.noisy;
import static dev.mtforge.jobs.analysis.AnalysisFixtures.shifted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.udfs.analysis.PairedComparison;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * analyze on synthetic score tables whose deltas are chosen: a multilingual system against
 * separate training with a known shift per pair (conflict on xx-en, synergy on en-xx, one noisy
 * pair that is not significant, one tie), a group system on part of the pairs, translations with
 * off-target verdicts. The metric is a mean of segment scores (as COMET).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzeSystemsJobTest {
  private static final double P_CONSTANT_SHIFT = 1.0 / 1001; // no resample beats |shift|: (0 + 1) / (1000 + 1)

  private Warehouse warehouse;
  private AnalyzeSystemsJob.Result result;

  @BeforeAll
  void analyzeOnce() {
    AnalysisFixtures f = AnalysisFixtures.create("analysis-known");
    warehouse = f.warehouse();
    // baseline: separate training on four languages, both directions
    for (String lang : List.of("de", "is", "es", "gl")) {
      f.scores("sep", lang, "en", baselineScores()).scores("sep", "en", lang, baselineScores());
    }
    f.scores("multi", "de", "en", shifted(-0.05)).scores("multi", "is", "en", noisy(0.002))
        .scores("multi", "es", "en", shifted(-0.03)).scores("multi", "gl", "en", shifted(-0.04))
        .scores("multi", "en", "de", shifted(0.02)).scores("multi", "en", "is", shifted(0.03))
        .scores("multi", "en", "es", shifted(0.01)).scores("multi", "en", "gl", baselineScores());
    // a group system on group 1 only, plus a pair the baseline lacks
    f.scores("grp", "de", "en", shifted(-0.01)).scores("grp", "is", "en", shifted(-0.02))
        .scores("grp", "en", "de", shifted(0.04)).scores("grp", "en", "is", shifted(0.05))
        .scores("grp", "fr", "en", shifted(0.0));
    f.system("sep", SystemStrategy.SEPARATE, "tiny", List.of("de", "es", "gl", "is"), Map.of())
        .system("multi", SystemStrategy.MULTILINGUAL, "tiny", List.of("cs", "de", "es", "fr", "gl", "is", "ru", "zh"), Map.of())
        .system("grp", SystemStrategy.GROUP, "tiny", List.of("de", "is"), Map.of());
    f.translations("multi", "de", "en", new Boolean[] {false, true, true, null}, new String[] {"en", "de", "de", null})
        .translations("multi", "en", "de", new Boolean[] {false, false, true, false}, new String[] {"de", "de", "nl", "de"})
        .write();
    result = job(warehouse, "run-1").execute();
  }

  static AnalyzeSystemsJob job(Warehouse warehouse, String runId) {
    return new AnalyzeSystemsJob(warehouse, REGISTRY, RunContext.start(runId))
        .option(AnalyzeSystemsJob.BASELINE, "sep")
        .option(AnalyzeSystemsJob.SYSTEMS, "multi,grp");
  }

  private Map<String, Row> deltas(String system, String scope) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : warehouse.spark().sql("SELECT * FROM analysis_known.analysis_deltas WHERE system_id = '" + system
        + "' AND scope = '" + scope + "'").collectAsList()) {
      String key = switch (scope) {
        case "pair" -> r.getAs("src_lang") + "-" + r.getAs("tgt_lang");
        case "group" -> r.getAs("direction") + " g" + r.getAs("group_id");
        case "resource" -> r.getAs("direction") + " " + r.getAs("resource_level");
        default -> r.getAs("direction");
      };
      assertThat(out.put(key, r)).as("one row per " + key).isNull();
    }
    return out;
  }

  @Test
  void pairRowsHaveTheKnownDeltaPValueAndReading() {
    Map<String, Row> pairs = deltas("multi", "pair");
    assertThat(pairs).hasSize(8);
    Map<String, Double> shifts = Map.of("de-en", -0.05, "is-en", 0.002, "es-en", -0.03, "gl-en", -0.04,
        "en-de", 0.02, "en-is", 0.03, "en-es", 0.01, "en-gl", 0.0);
    shifts.forEach((pair, shift) -> {
      Row r = pairs.get(pair);
      assertThat(r.<Double>getAs("delta")).as(pair).isCloseTo(shift, within(1e-12));
      assertThat(r.<Double>getAs("score") - r.<Double>getAs("baseline_score")).as(pair).isCloseTo(shift, within(1e-12));
      assertThat(r.<Long>getAs("segments")).isEqualTo(50L);
      assertThat(r.<String>getAs("baseline_id")).isEqualTo("sep");
      assertThat(r.<Integer>getAs("samples")).isEqualTo(1000);
      assertThat(r.<Long>getAs("seed")).isEqualTo(12345L);
    });
    // a constant shift survives every resample: sacreBLEU's smallest p-value
    assertThat(pairs.get("de-en").<Double>getAs("p_value")).isEqualTo(P_CONSTANT_SHIFT);
    assertThat(pairs.get("de-en").<Boolean>getAs("significant")).isTrue();
    assertThat(pairs.get("de-en").<String>getAs("reading")).isEqualTo("conflict");
    assertThat(pairs.get("de-en").<String>getAs("language")).isEqualTo("de");
    assertThat(pairs.get("de-en").<Integer>getAs("group_id")).isEqualTo(1);
    assertThat(pairs.get("de-en").<String>getAs("resource_level")).isEqualTo("High");
    assertThat(pairs.get("en-de").<String>getAs("reading")).isEqualTo("synergy");
    assertThat(pairs.get("en-de").<Integer>getAs("wins")).isEqualTo(1);
    assertThat(pairs.get("de-en").<Integer>getAs("losses")).isEqualTo(1);
    // +-0.1 noise around +0.002: not significant, and the p-value is the bootstrap's
    double p = PairedComparison.of(1000, 12345).onScores(noisy(0.002), baselineScores()).pValue();
    assertThat(pairs.get("is-en").<Double>getAs("p_value")).isEqualTo(p).isGreaterThan(0.05);
    assertThat(pairs.get("is-en").<Boolean>getAs("significant")).isFalse();
    assertThat(pairs.get("is-en").<Integer>getAs("wins")).isZero();
    // a tie is neither synergy nor conflict
    assertThat(pairs.get("en-gl").<String>getAs("reading")).isEqualTo("none");
    assertThat(pairs.get("en-gl").<Integer>getAs("wins") + pairs.get("en-gl").<Integer>getAs("losses")).isZero();
  }

  @Test
  void aggregatesAreMeansOfPairDeltasWithSignificantWinsAndLosses() {
    Map<String, Row> direction = deltas("multi", "direction");
    assertThat(direction.keySet()).containsExactlyInAnyOrder("xx-en", "en-xx");
    assertAggregate(direction.get("xx-en"), (-0.05 + 0.002 - 0.03 - 0.04) / 4, 4, 0, 3, "conflict");
    assertAggregate(direction.get("en-xx"), (0.02 + 0.03 + 0.01 + 0.0) / 4, 4, 3, 0, "synergy");

    Map<String, Row> groups = deltas("multi", "group");
    assertThat(groups.keySet()).containsExactlyInAnyOrder("xx-en g1", "xx-en g2", "en-xx g1", "en-xx g2");
    assertAggregate(groups.get("xx-en g1"), (-0.05 + 0.002) / 2, 2, 0, 1, "conflict");
    assertAggregate(groups.get("xx-en g2"), (-0.03 - 0.04) / 2, 2, 0, 2, "conflict");
    assertAggregate(groups.get("en-xx g2"), (0.01 + 0.0) / 2, 2, 1, 0, "synergy");

    Map<String, Row> resources = deltas("multi", "resource");
    assertThat(resources.keySet()).containsExactlyInAnyOrder("xx-en High", "xx-en Mid", "xx-en Low", "en-xx High",
        "en-xx Mid", "en-xx Low");
    assertAggregate(resources.get("xx-en High"), (-0.05 - 0.03) / 2, 2, 0, 2, "conflict"); // de, es
    assertAggregate(resources.get("xx-en Low"), 0.002, 1, 0, 0, "synergy"); // is, not significant
    assertAggregate(resources.get("en-xx Mid"), 0.0, 1, 0, 0, "none"); // gl
    Row high = resources.get("xx-en High");
    assertThat(high.<Double>getAs("score")).isCloseTo(mean(baselineScores()) - 0.04, within(1e-9));
    assertThat(high.<Object>getAs("p_value")).isNull();
    assertThat(high.<Object>getAs("significant")).isNull();
    assertThat(high.<Long>getAs("segments")).isEqualTo(100L);

    // the group system is compared on its own pairs; the pair the baseline lacks is skipped
    assertThat(deltas("grp", "pair").keySet()).containsExactlyInAnyOrder("de-en", "is-en", "en-de", "en-is");
    assertThat(result.skipped()).containsExactly("grp flores200/devtest fr-en comet");
    assertThat(result.pairs()).isEqualTo(12);
    assertThat(result.metrics()).containsExactly(COMET);
    assertThat(result.summary()).extracting(DeltaRow::toString).contains(
        "multi vs sep flores200/devtest comet xx-en: delta -0.0295 (4 pairs, 0 wins, 3 losses)");
  }

  private static void assertAggregate(Row r, double delta, int pairs, int wins, int losses, String reading) {
    assertThat(r.<Double>getAs("delta")).isCloseTo(delta, within(1e-12));
    assertThat(r.<Double>getAs("score") - r.<Double>getAs("baseline_score")).isCloseTo(delta, within(1e-12));
    assertThat(r.<Integer>getAs("pairs")).isEqualTo(pairs);
    assertThat(r.<Integer>getAs("wins")).isEqualTo(wins);
    assertThat(r.<Integer>getAs("losses")).isEqualTo(losses);
    assertThat(r.<String>getAs("reading")).isEqualTo(reading);
    assertThat(r.<Object>getAs("src_lang")).isNull();
  }

  @Test
  void curvesPlotMeanScoresAgainstTrainingLanguagesWithAnchorPairs() {
    Map<String, Row> points = new HashMap<>();
    for (Row r : warehouse.spark().sql("SELECT * FROM analysis_known.analysis_curves").collectAsList()) {
      points.put(r.getAs("system_id") + " " + r.getAs("direction"), r);
    }
    assertThat(points.keySet()).containsExactlyInAnyOrder("sep xx-en", "sep en-xx", "sep all", "multi xx-en",
        "multi en-xx", "multi all", "grp xx-en", "grp en-xx", "grp all");
    double base = mean(baselineScores());
    Row multi = points.get("multi xx-en");
    assertThat(multi.<Integer>getAs("training_languages")).isEqualTo(8);
    assertThat(multi.<String>getAs("strategy")).isEqualTo("multilingual");
    assertThat(multi.<Double>getAs("score")).isCloseTo(base + (-0.05 + 0.002 - 0.03 - 0.04) / 4, within(1e-12));
    assertThat(multi.<Integer>getAs("pairs")).isEqualTo(4);
    // anchor pairs: those of all three systems, i.e. de-en and is-en
    assertThat(multi.<Integer>getAs("anchor_pairs")).isEqualTo(2);
    assertThat(multi.<Double>getAs("anchor_score")).isCloseTo(base + (-0.05 + 0.002) / 2, within(1e-12));
    Row grp = points.get("grp xx-en");
    assertThat(grp.<Integer>getAs("training_languages")).isEqualTo(2);
    assertThat(grp.<Integer>getAs("pairs")).isEqualTo(3); // fr-en counts here: it was scored
    assertThat(points.get("sep all").<Integer>getAs("pairs")).isEqualTo(8);
    assertThat(points.get("sep all").<Integer>getAs("training_languages")).isEqualTo(4);
    assertThat(points.get("sep all").<Integer>getAs("anchor_pairs")).isEqualTo(4);
  }

  @Test
  void offTargetRatesCountOnlyOutputsWithAVerdict() {
    List<Row> rows = warehouse.spark().sql("SELECT src_lang, tgt_lang, segments, checked, off_target, rate,"
        + " top_wrong_lang FROM analysis_known.analysis_off_target WHERE system_id = 'multi' ORDER BY 1, 2").collectAsList();
    assertThat(rows).extracting(Row::toString)
        .containsExactly("[de,en,4,3,2,0.6666666666666666,de]", "[en,de,4,4,1,0.25,nl]");
  }

  @Test
  void aRerunWithTheSameInputsWritesNothing() {
    long before = warehouse.spark().sql("SELECT count(*) FROM analysis_known.analysis_deltas").first().getLong(0);
    AnalyzeSystemsJob.Result again = job(warehouse, "run-2").execute();
    assertThat(again.rowsWritten()).containsOnly(
        Map.entry("analysis_deltas", 0L), Map.entry("analysis_curves", 0L), Map.entry("analysis_merge_cost", 0L),
        Map.entry("analysis_off_target", 0L));
    assertThat(warehouse.spark().sql("SELECT count(*) FROM analysis_known.analysis_deltas").first().getLong(0))
        .isEqualTo(before);
    assertThat(warehouse.spark().sql("SELECT DISTINCT run_id FROM analysis_known.analysis_deltas").collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("run-1");
  }

  @Test
  void optionsAreCheckedBeforeAnyWork() {
    Warehouse empty = AnalysisFixtures.create("analysis-options").warehouse();
    RunContext run = RunContext.start("options");
    assertThatThrownBy(() -> new AnalyzeSystemsJob(empty, REGISTRY, run).option("analysis.baselin", "x"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Unknown option 'analysis.baselin' for analyze; known: [analysis.alpha, analysis.baseline,"
            + " analysis.metrics, analysis.samples, analysis.seed, analysis.systems]");
    assertThatThrownBy(() -> new AnalyzeSystemsJob(empty, REGISTRY, run).option(AnalyzeSystemsJob.SYSTEMS, "a").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option analysis.baseline is required: the system to compare with");
    assertThatThrownBy(() -> new AnalyzeSystemsJob(empty, REGISTRY, run).option(AnalyzeSystemsJob.BASELINE, "b").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option analysis.systems is required: the systems to compare with b");
    assertThatThrownBy(() -> new AnalyzeSystemsJob(empty, REGISTRY, run).option(AnalyzeSystemsJob.BASELINE, "b")
            .option(AnalyzeSystemsJob.SYSTEMS, "a,b").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option analysis.systems lists the baseline b itself; a system is not compared with itself");
    assertThatThrownBy(() -> new AnalyzeSystemsJob(empty, REGISTRY, run).option(AnalyzeSystemsJob.BASELINE, "b")
            .option(AnalyzeSystemsJob.SYSTEMS, "a").option(AnalyzeSystemsJob.ALPHA, "1.5").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option analysis.alpha must be between 0 and 1 (exclusive), got 1.5");
    assertThatThrownBy(() -> new AnalyzeSystemsJob(empty, REGISTRY, run).option(AnalyzeSystemsJob.BASELINE, "b")
            .option(AnalyzeSystemsJob.SYSTEMS, "a").option(AnalyzeSystemsJob.SAMPLES, "0").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("Option analysis.samples");
    assertThat(empty.exists("analysis_deltas")).isFalse();
  }

  @Test
  void missingScoresAndUnknownMetricsAreRejectedNamingThem() {
    assertThatThrownBy(() -> job(warehouse, "x").option(AnalyzeSystemsJob.SYSTEMS, "multi,nope").execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot analyze: table system_scores has no pair scores of system(s) nope; translate (or"
            + " import-translations) and evaluate them first");
    assertThatThrownBy(() -> job(warehouse, "x").option(AnalyzeSystemsJob.METRICS, "COMET,bleu").execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot analyze metric 'bleu': table system_scores has no pair scores of it for systems sep, multi,"
            + " grp; metrics present: comet (run evaluate --metrics bleu first)");
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElseThrow();
  }

  @Test
  void aRerunReplacesItsOwnRowsAndLeavesOtherAnalysesAlone() {
    AnalysisFixtures f = AnalysisFixtures.create("analysis-stale");
    f.scores("sep", "de", "en", baselineScores()).scores("sep", "is", "en", baselineScores())
        .scores("multi", "de", "en", shifted(-0.05)).scores("multi", "is", "en", shifted(-0.02)).write();
    Warehouse w = f.warehouse();
    RunContext run = RunContext.start("stale-1");
    new AnalyzeSystemsJob(w, REGISTRY, run).option(AnalyzeSystemsJob.BASELINE, "sep")
        .option(AnalyzeSystemsJob.SYSTEMS, "multi").execute();
    new AnalyzeSystemsJob(w, REGISTRY, run).option(AnalyzeSystemsJob.BASELINE, "multi")
        .option(AnalyzeSystemsJob.SYSTEMS, "sep").execute();
    // the baseline loses its is-en scores (say, re-translated and not yet evaluated)
    w.spark().sql("DELETE FROM analysis_stale.segment_scores WHERE system_id = 'sep' AND src_lang = 'is'");
    w.spark().sql("DELETE FROM analysis_stale.system_scores WHERE system_id = 'sep' AND src_lang = 'is'");

    AnalyzeSystemsJob.Result again = new AnalyzeSystemsJob(w, REGISTRY, RunContext.start("stale-2"))
        .option(AnalyzeSystemsJob.BASELINE, "sep").option(AnalyzeSystemsJob.SYSTEMS, "multi").execute();
    assertThat(again.skipped()).containsExactly("multi flores200/devtest is-en comet");
    List<Row> pairs = w.spark().sql("SELECT baseline_id, src_lang FROM analysis_stale.analysis_deltas"
        + " WHERE scope = 'pair' ORDER BY 1, 2").collectAsList();
    // sep's analysis lost is-en; multi's analysis (another baseline) was not re-run and keeps it
    assertThat(pairs).extracting(Row::toString).containsExactly("[multi,de]", "[multi,is]", "[sep,de]");
    assertThat(w.spark().sql("SELECT delta FROM analysis_stale.analysis_deltas WHERE baseline_id = 'sep'"
        + " AND scope = 'direction'").first().getDouble(0)).isCloseTo(-0.05, within(1e-12));
  }
}
