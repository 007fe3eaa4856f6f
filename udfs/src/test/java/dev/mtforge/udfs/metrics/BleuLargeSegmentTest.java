package dev.mtforge.udfs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A segment with more distinct tokens than packed n-gram keys can hold (65,534) takes the
 * string-keyed path; its statistics must still be exact.
 */
class BleuLargeSegmentTest {

  @Test
  void segmentWithHugeVocabularyFallsBackToStringKeys() {
    StringBuilder ref = new StringBuilder();
    for (int i = 0; i < 70_000; i++) {
      ref.append('w').append(i).append(' ');
    }
    String hyp = ref + "extra";
    long[] stats = Bleu.builder().build().segmentStats(hyp, List.of(ref.toString()));
    // hyp = ref + one token: every ref n-gram matches once, the hypothesis has one more of each order
    assertThat(stats).containsExactly(70_001, 70_000, 70_000, 69_999, 69_998, 69_997, 70_001, 70_000, 69_999, 69_998);
  }

  @Test
  void clippingUsesTheMaximumCountOverReferences() {
    // "the" x3 in the hypothesis; references hold it twice and once: clipped at 2
    long[] stats = Bleu.builder().build().segmentStats("the the the", List.of("the the cat", "the"));
    assertThat(stats).containsExactly(3, 3, 2, 1, 0, 0, 3, 2, 1, 0);
  }
}
