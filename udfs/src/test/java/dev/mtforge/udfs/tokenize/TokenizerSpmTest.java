package dev.mtforge.udfs.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtforge.udfs.metrics.Bleu;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.ParityFixtures;
import dev.mtforge.udfs.metrics.Score;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * spBLEU through DJL's SentencePiece against sacreBLEU 2.6.0's {@code flores200} tokenizer with
 * a tiny model trained on our fixture sentences (see make_spm_fixtures.py for both commands).
 */
class TokenizerSpmTest {
  private static final String MODEL = model();

  private static String model() {
    try {
      return Path.of(TokenizerSpmTest.class.getResource("/spm/tiny-unigram-300.model").toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void piecesAndBleuMatchSacrebleu() {
    Tokenizer tok = Tokenizers.create("flores200", MODEL);
    assertThat(tok.signature()).isEqualTo("flores200");
    List<JsonNode> rows = ParityFixtures.read("spm.jsonl");
    for (JsonNode row : rows) {
      if (row.has("tok")) {
        assertThat(tok.tokenize(row.get("in").asText())).isEqualTo(row.get("out").asText());
        continue;
      }
      JsonNode b = row.get("bleu");
      Bleu bleu = Bleu.builder().tokenizer(tok).build();
      List<String> hyps = ParityFixtures.strings(b.get("hyps"));
      List<String> refs = ParityFixtures.strings(b.get("refs"));
      long[] totals = new long[bleu.statsSize()];
      for (int i = 0; i < hyps.size(); i++) {
        long[] stats = bleu.segmentStats(hyps.get(i), List.of(refs.get(i)));
        JsonNode exp = b.get("seg_stats").get(i);
        for (int k = 0; k < stats.length; k++) {
          assertThat(stats[k]).as("segment %d stat %d", i, k).isEqualTo(exp.get(k).asLong());
        }
        Metric.add(totals, stats);
      }
      Score score = bleu.score(totals);
      assertThat(score.score()).isCloseTo(b.get("score").asDouble(), within(1e-9));
      assertThat(score.formatText(1, bleu.signature(1).format()))
          .isEqualTo(ParityFixtures.ourVersion(b.get("text_w1").asText()));
    }
  }

  @Test
  void missingModelIsAClearError() {
    assertThatThrownBy(() -> Tokenizers.create("flores200"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Tokenizer 'flores200' needs its SentencePiece model file: pass --spm-model <path>"
                + " (sacreBLEU downloads it; mtforge cannot download it)");
    assertThatThrownBy(() -> Tokenizers.create("flores101", "/nonexistent/flores101.model"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Tokenizer 'flores101': SentencePiece model file /nonexistent/flores101.model does not exist");
  }

  @Test
  void unknownTokenizerListsTheKnownOnes() {
    assertThatThrownBy(() -> Tokenizers.create("intl2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unknown tokenizer 'intl2'; known: 13a, char, flores101, flores200, intl, ja-mecab, none, zh");
  }

  @Test
  void defaultTokenizerFollowsTheTargetLanguage() {
    assertThat(Tokenizers.defaultFor("zh")).isEqualTo("zh");
    assertThat(Tokenizers.defaultFor("ja")).isEqualTo("ja-mecab");
    assertThat(Tokenizers.defaultFor("ko")).isEqualTo("13a");
    assertThat(Tokenizers.defaultFor("de")).isEqualTo("13a");
    assertThat(Tokenizers.defaultFor(null)).isEqualTo("13a");
  }
}
