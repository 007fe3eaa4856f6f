package dev.mtforge.udfs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtforge.udfs.tokenize.Tokenizers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BLEU, chrF and TER against sacreBLEU 2.6.0: segment statistics, corpus score, the text line at
 * widths 1 and 4, the JSON object, and sentence scores, for 230 (corpus, options) cases: our own
 * sentences with one, two, swapped and partly absent references, Chinese, empty hypotheses and
 * references, 300 seeded random segments (block moves for TER shifts), and 200 random Unicode
 * strings. Expected values: parity/metrics.jsonl, written by make_parity_fixtures.py.
 */
class MetricParityTest {
  private static final Map<String, JsonNode> CORPORA = new HashMap<>();

  static {
    for (JsonNode c : ParityFixtures.read("corpora.jsonl")) {
      CORPORA.put(c.get("label").asText(), c);
    }
  }

  static Stream<Arguments> cases() {
    return ParityFixtures.read("metrics.jsonl").stream()
        .map(r -> Arguments.of(r.get("metric").asText() + " " + r.get("options") + " on " + r.get("label").asText(), r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesSacrebleu(String name, JsonNode row) {
    JsonNode corpus = CORPORA.get(row.get("label").asText());
    List<String> hyps = ParityFixtures.strings(corpus.get("hyps"));
    List<List<String>> refStreams = new ArrayList<>();
    corpus.get("refs").forEach(stream -> refStreams.add(ParityFixtures.strings(stream)));
    String kind = row.get("metric").asText();
    Metric metric = build(kind, row.get("options"));

    long[] totals = new long[metric.statsSize()];
    int numRefs = -2;
    for (int i = 0; i < hyps.size(); i++) {
      List<String> refs = new ArrayList<>();
      for (List<String> stream : refStreams) {
        refs.add(stream.get(i));
      }
      int present = (int) refs.stream().filter(r -> r != null).count();
      numRefs = numRefs == -2 || numRefs == present ? present : -1;
      long[] stats = metric.segmentStats(hyps.get(i), refs);
      JsonNode expected = row.get("seg_stats").get(i);
      if (kind.equals("ter")) {
        assertThat(stats[0]).as("segment %d edits", i).isEqualTo(expected.get(0).asLong());
        assertThat((double) stats[1] / Ter.LENGTH_SCALE)
            .as("segment %d average reference length", i)
            .isCloseTo(expected.get(1).asDouble(), within(1e-12));
      } else {
        long[] exp = new long[expected.size()];
        for (int k = 0; k < exp.length; k++) {
          exp[k] = expected.get(k).asLong();
        }
        assertThat(stats).as("segment %d statistics", i).containsExactly(exp);
      }
      Metric.add(totals, stats);
      if (row.get("sentence_scores").size() > 0) {
        assertThat(metric.score(stats).score())
            .as("segment %d sentence score", i)
            .isCloseTo(Double.parseDouble(row.get("sentence_scores").get(i).asText()), within(1e-9));
      }
    }
    Score score = metric.score(totals);
    assertThat(score.score()).isCloseTo(Double.parseDouble(row.get("score").asText()), within(1e-9));
    String sig = metric.signature(numRefs).format();
    assertThat(sig).isEqualTo(ParityFixtures.ourVersion(row.get("signature").asText()));
    assertThat(score.formatText(1, sig)).isEqualTo(ParityFixtures.ourVersion(row.get("text_w1").asText()));
    assertThat(score.formatText(4, sig)).isEqualTo(ParityFixtures.ourVersion(row.get("text_w4").asText()));
    assertThat(score.formatJson(2, sig)).isEqualTo(ParityFixtures.ourVersion(row.get("json_w2").asText()));
  }

  static Metric build(String kind, JsonNode o) {
    return switch (kind) {
      case "bleu" -> {
        Bleu.Builder b = Bleu.builder();
        if (o.has("tokenize")) {
          b.tokenizer(Tokenizers.create(o.get("tokenize").asText()));
        }
        b.lowercase(o.path("lowercase").asBoolean(false));
        if (o.has("smooth_method")) {
          b.smoothMethod(o.get("smooth_method").asText());
        }
        if (o.has("smooth_value")) {
          b.smoothValue(o.get("smooth_value").asDouble());
        }
        b.effectiveOrder(o.path("effective_order").asBoolean(false));
        yield b.build();
      }
      case "chrf" ->
          Chrf.builder()
              .charOrder(o.path("char_order").asInt(Chrf.CHAR_ORDER_DEFAULT))
              .wordOrder(o.path("word_order").asInt(Chrf.WORD_ORDER_DEFAULT))
              .beta(o.path("beta").asInt(Chrf.BETA_DEFAULT))
              .lowercase(o.path("lowercase").asBoolean(false))
              .whitespace(o.path("whitespace").asBoolean(false))
              .epsSmoothing(o.path("eps_smoothing").asBoolean(false))
              .build();
      case "ter" ->
          Ter.builder()
              .normalized(o.path("normalized").asBoolean(false))
              .noPunct(o.path("no_punct").asBoolean(false))
              .asianSupport(o.path("asian_support").asBoolean(false))
              .caseSensitive(o.path("case_sensitive").asBoolean(false))
              .build();
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
