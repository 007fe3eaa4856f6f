package dev.mtforge.udfs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Paired bootstrap (1000 resamples) and approximate randomization (10000 trials) against
 * sacreBLEU 2.6.0's {@code PairedTest} under NumPy 2.4.6 with {@code SACREBLEU_SEED=12345}: four
 * systems of 300 segments (the baseline, two near it with p-values between 0.007 and 0.64, one
 * far). Expected: parity/significance.jsonl from make_parity_fixtures.py.
 */
class PairedTestParityTest {
  private static final JsonNode CORPUS = ParityFixtures.read("significance-corpus.jsonl").get(0);

  static Stream<Arguments> cases() {
    return ParityFixtures.read("significance.jsonl").stream()
        .map(r -> Arguments.of(r.get("test").asText() + " " + r.get("metric").asText(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesSacrebleu(String name, JsonNode row) {
    Metric metric =
        switch (row.get("metric").asText()) {
          case "BLEU" -> Bleu.builder().build();
          case "chrF2" -> Chrf.builder().build();
          default -> Ter.builder().build();
        };
    List<String> refs = ParityFixtures.strings(CORPUS.get("refs"));
    List<List<long[]>> stats = new ArrayList<>();
    for (JsonNode system : CORPUS.get("systems")) {
      List<String> hyps = ParityFixtures.strings(system);
      List<long[]> segs = new ArrayList<>();
      for (int i = 0; i < hyps.size(); i++) {
        segs.add(metric.segmentStats(hyps.get(i), List.of(refs.get(i))));
      }
      stats.add(segs);
    }
    PairedTest test =
        row.get("test").asText().equals("bs")
            ? PairedTest.bootstrap(1000, PairedTest.SEED_DEFAULT)
            : PairedTest.approximateRandomization(10000, PairedTest.SEED_DEFAULT);
    List<PairedTest.Result> results = test.run(metric, stats.get(0), stats.subList(1, stats.size()));

    assertThat(test.signature(metric, 1).format())
        .isEqualTo(ParityFixtures.ourVersion(row.get("signature").asText()));
    for (int i = 0; i < results.size(); i++) {
      JsonNode exp = row.get("results").get(i);
      PairedTest.Result r = results.get(i);
      assertThat(r.score()).isCloseTo(exp.get("score").asDouble(), within(1e-9));
      assertNullableExact(r.pValue(), exp.get("p_value"), "p-value of system " + i);
      assertNullableClose(r.mean(), exp.get("mean"), "mean of system " + i);
      assertNullableClose(r.ci(), exp.get("ci"), "CI of system " + i);
    }
  }

  @Test
  void rejectsMisalignedSystems() {
    Metric bleu = Bleu.builder().build();
    List<long[]> one = List.of(new long[10]);
    assertThatThrownBy(
            () -> PairedTest.bootstrap(10, 1).run(bleu, one, List.of(List.of(new long[10], new long[10]))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Paired test needs aligned systems: baseline has 1 segments, a system has 2");
  }

  private static void assertNullableExact(Double actual, JsonNode expected, String what) {
    if (expected.isNull()) {
      assertThat(actual).as(what).isNull();
    } else {
      assertThat(actual).as(what).isEqualTo(Double.parseDouble(expected.asText()));
    }
  }

  private static void assertNullableClose(Double actual, JsonNode expected, String what) {
    if (expected.isNull()) {
      assertThat(actual).as(what).isNull();
    } else {
      assertThat(actual).as(what).isCloseTo(Double.parseDouble(expected.asText()), within(1e-9));
    }
  }
}
