package dev.mtforge.udfs.metrics.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Shared encodings and length batching change how often and with what padding the encoder runs,
 * never the scores: the golden system keeps its torch scores when scored with three others, and
 * every distinct text is encoded exactly once per call.
 */
class CometScorerTest {
  @Test
  void fourSystemsCostOneEncodingPerDistinctText() {
    JsonNode golden = TinyComet.golden();
    List<CometScorer.Segment> segments = new ArrayList<>();
    Set<String> distinct = new HashSet<>();
    int n = golden.get("segments").size();
    for (int system = 0; system < 4; system++) {
      for (int i = 0; i < n; i++) {
        JsonNode s = golden.get("segments").get(i);
        // system 0 is the golden one; the others translate segment i with segment i + system's output
        String mt = golden.get("segments").get((i + system) % n).get("mt").asText();
        segments.add(new CometScorer.Segment(s.get("src").asText(), mt, s.get("ref").asText()));
        distinct.add(s.get("src").asText());
        distinct.add(s.get("ref").asText());
        distinct.add(mt);
      }
    }
    CometScorer scorer = new CometScorer(TinyComet.model(TinyComet.regression()), 1024, 16);
    float[] scores = scorer.score(segments);
    for (int i = 0; i < n; i++) {
      assertThat((double) scores[i]).as("segment %d", i)
          .isCloseTo(golden.get("segments").get(i).get("comet").asDouble(), within(1e-5));
    }
    CometScorer.Stats stats = scorer.stats();
    assertThat(stats.segments()).isEqualTo(4L * n);
    assertThat(stats.encoded()).isEqualTo(distinct.size());
    assertThat(stats.encoded()).isLessThanOrEqualTo((4 + 2) * n).isLessThan(3L * 4 * n);
    assertThat(stats.paddedTokens()).isGreaterThanOrEqualTo(stats.tokens());
  }

  @Test
  void tokenBudgetChangesBatchesNotScores() {
    JsonNode golden = TinyComet.golden();
    List<CometScorer.Segment> segments = new ArrayList<>();
    for (JsonNode s : golden.get("segments")) {
      segments.add(new CometScorer.Segment(s.get("src").asText(), s.get("mt").asText(), null));
    }
    CometModel kiwi = TinyComet.model(TinyComet.unified());
    CometScorer small = new CometScorer(kiwi, 64, 64);
    CometScorer large = new CometScorer(kiwi, 1 << 20, 64);
    float[] a = small.score(segments);
    float[] b = large.score(segments);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).as("segment %d", i).isCloseTo(b[i], within(1e-6f));
    }
    assertThat(small.stats().batches()).isEqualTo(segments.size());
    assertThat(small.stats().paddingWaste()).isZero();
    // the pairs have 512 (three cut ones), 102 down to 77, 58 and 51 tokens: under an unlimited
    // budget the 512s close their batch rather than pad the 102 to 512 (1,638 of 2,048 real),
    // the next batch closes after 10 pairs, before the 79 would pad it past 10 % (956 of 1,122)
    assertThat(large.stats().batches()).isEqualTo(3);
    assertThat(large.stats().paddedTokens()).isEqualTo(3 * 512 + 10 * 102 + 4 * 79);
    assertThat(large.stats().paddingWaste()).isLessThan(CometScorer.MAX_PADDING);
  }

  @Test
  void aReferenceBasedModelNeedsReferences() {
    CometScorer scorer = new CometScorer(TinyComet.model(TinyComet.regression()), 1024, 16);
    assertThatThrownBy(() -> scorer.score(List.of(new CometScorer.Segment("Hallo.", "Hello.", null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("COMET model tiny-comet-da (regression_metric) needs a reference; segment 0 has none");
  }
}
