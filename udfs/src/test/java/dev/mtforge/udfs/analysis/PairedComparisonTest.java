package dev.mtforge.udfs.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.udfs.metrics.Bleu;
import dev.mtforge.udfs.metrics.Chrf;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.PairedTest;
import dev.mtforge.udfs.metrics.Ter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedComparisonTest {
  static final double[] BASELINE = {0.71, 0.84, 0.66, 0.90, 0.78, 0.81, 0.69, 0.93, 0.75, 0.88, 0.62, 0.85, 0.79,
      0.72, 0.91, 0.68, 0.83, 0.77, 0.86, 0.74};
  static final double[] SHIFT = {0.03, -0.02, 0.01, 0.02, -0.01, 0.04, 0.00, -0.03, 0.02, 0.01, 0.05, -0.01, 0.02,
      0.00, -0.02, 0.03, 0.01, 0.02, -0.01, 0.04};

  @Test
  void meanScoresFollowSacreBleusProcedure() {
    double[] system = new double[BASELINE.length];
    double[] noise = new double[BASELINE.length];
    for (int i = 0; i < system.length; i++) {
      system[i] = BASELINE[i] + SHIFT[i];
      noise[i] = BASELINE[i] + SHIFT[SHIFT.length - 1 - i] - 0.0095;
    }
    PairedComparison test = PairedComparison.of(1000, 12345);
    // udfs/src/test/python/make_paired_mean_fixture.py with Debian's numpy 1.24.2
    PairedComparison.Outcome better = test.onScores(system, BASELINE);
    assertThat(better.pValue()).isEqualTo(0.015984015984015984);
    assertThat(better.score()).isCloseTo(0.7959999999999999, org.assertj.core.api.Assertions.within(1e-15));
    assertThat(test.onScores(BASELINE, system).pValue()).isEqualTo(0.015984015984015984);
    assertThat(test.onScores(noise, BASELINE).pValue()).isEqualTo(0.3886113886113886);
    // no resample beats a constant shift: the smallest p-value
    double[] shifted = BASELINE.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += 0.01;
    }
    assertThat(test.onScores(shifted, BASELINE).pValue()).isEqualTo(1.0 / 1001);
  }

  @Test
  void statisticsGoThroughSacreBleusPairedTest() {
    Metric bleu = PairedComparison.statisticsMetric("BLEU").orElseThrow();
    List<long[]> system = new ArrayList<>();
    List<long[]> baseline = new ArrayList<>();
    String[] refs = {"the cat sat on the mat .", "a quick brown fox jumps", "we see the old city today", "it rains"};
    String[] sys = {"the cat sat on a mat .", "a quick brown fox jumped", "we see the city today", "it rains"};
    String[] base = {"a cat on the mat", "the fox jumps", "we see the old town", "rain"};
    for (int i = 0; i < refs.length; i++) {
      system.add(bleu.segmentStats(sys[i], List.of(refs[i])));
      baseline.add(bleu.segmentStats(base[i], List.of(refs[i])));
    }
    PairedComparison.Outcome o = PairedComparison.of(200, 7).onStatistics(bleu, system, baseline);
    List<PairedTest.Result> direct = PairedTest.bootstrap(200, 7).run(bleu, baseline, List.of(system));
    assertThat(o.score()).isEqualTo(direct.get(1).score());
    assertThat(o.baselineScore()).isEqualTo(direct.get(0).score());
    assertThat(o.pValue()).isEqualTo(direct.get(1).pValue());
    assertThat(o.delta()).isPositive();
  }

  @Test
  void labelsMapToTheirMetrics() {
    assertThat(PairedComparison.statisticsMetric("BLEU").orElseThrow()).isInstanceOf(Bleu.class);
    assertThat(PairedComparison.statisticsMetric("spBLEU").orElseThrow()).isInstanceOf(Bleu.class);
    assertThat(PairedComparison.statisticsMetric("chrF2").orElseThrow().name()).isEqualTo("chrF2");
    assertThat(PairedComparison.statisticsMetric("chrF2++").orElseThrow().name()).isEqualTo("chrF2++");
    assertThat(PairedComparison.statisticsMetric("chrF2++").orElseThrow()).isInstanceOf(Chrf.class);
    assertThat(PairedComparison.statisticsMetric("TER").orElseThrow()).isInstanceOf(Ter.class);
    assertThat(PairedComparison.statisticsMetric("comet")).isEmpty();
    assertThat(PairedComparison.higherIsBetter("TER")).isFalse();
    assertThat(PairedComparison.higherIsBetter("comet")).isTrue();
  }

  @Test
  void misalignedOrEmptySegmentsAndBadSettingsAreRefused() {
    assertThatThrownBy(() -> PairedComparison.of(10, 1).onScores(new double[3], new double[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A paired test needs the same non-empty segments: the system has 3, the baseline 2");
    assertThatThrownBy(() -> PairedComparison.of(0, 1))
        .hasMessage("Number of bootstrap samples must be >= 1, got 0");
  }
}
