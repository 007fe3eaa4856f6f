package dev.mtforge.udfs.metrics.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * sparsemax and softmax of COMET's layer mix. Expected values are worked out by hand from the
 * definition (Martins and Astudillo 2016: {@code p = max(z − τ, 0)} with {@code Σp = 1}); the
 * golden test checks the same code against entmax-style torch on the tiny models' parameters.
 */
class LayerMixTest {
  private static final double EPS = 1e-7;

  @Test
  void tiesShareTheMass() {
    assertClose(LayerMix.sparsemax(new float[] {1f, 1f, 0f}), 0.5, 0.5, 0);
  }

  @Test
  void allEqualIsUniform() {
    assertClose(LayerMix.sparsemax(new float[] {0.3f, 0.3f, 0.3f, 0.3f}), 0.25, 0.25, 0.25, 0.25);
    assertClose(LayerMix.softmax(new float[] {-2f, -2f}), 0.5, 0.5);
  }

  @Test
  void oneDominantTakesEverything() {
    assertClose(LayerMix.sparsemax(new float[] {0f, 5f, 0f, 0f}), 0, 1, 0, 0);
  }

  @Test
  void negativeValuesKeepTheirSupport() {
    // shifted: 0, -0.2, -2.5; c = -1, -1.2; support 2; tau = -0.6
    assertClose(LayerMix.sparsemax(new float[] {-0.5f, -0.7f, -3f}), 0.6, 0.4, 0);
    // all negative and far apart: only the largest survives
    assertClose(LayerMix.sparsemax(new float[] {-1f, -2f, -3f}), 1, 0, 0);
  }

  @Test
  void outputIsAProbabilityVectorWhateverTheOrder() {
    float[] z = {0.7f, -0.1f, 0.65f, 0.2f, -1.3f, 0.69f};
    float[] p = LayerMix.sparsemax(z);
    double sum = 0;
    for (float v : p) {
      assertThat(v).isGreaterThanOrEqualTo(0f);
      sum += v;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-6));
    float[] reversed = new float[z.length];
    for (int i = 0; i < z.length; i++) {
      reversed[i] = z[z.length - 1 - i];
    }
    float[] q = LayerMix.sparsemax(reversed);
    for (int i = 0; i < z.length; i++) {
      assertThat(q[i]).isEqualTo(p[z.length - 1 - i]);
    }
    assertThat(p[1]).isZero();
    assertThat(p[4]).isZero();
  }

  @Test
  void sparsemaxOfTheTinyRegressionModelDropsTwoLayers() {
    // sample-data/models/generate_tiny_comet.py: scalar parameters of tiny-comet-da
    assertClose(LayerMix.sparsemax(new float[] {0.6f, 1.0f, -0.5f, 0.1f}), 0.3, 0.7, 0, 0);
  }

  @Test
  void aSingleLayerIsOneHot() {
    LayerMix mix = new LayerMix("2", "softmax", List.of(), 1f, false);
    assertClose(mix.weights(4), 0, 0, 1, 0);
    assertThatThrownBy(() -> mix.weights(2)).hasMessage("Layer 2 is not one of the 2 hidden states");
  }

  @Test
  void refusesWhatCometWouldNotMix() {
    assertThatThrownBy(() -> new LayerMix("mix", "entmax15", List.of(0f), 1f, false))
        .hasMessage("Unknown layer transformation 'entmax15'; known: sparsemax, softmax");
    assertThatThrownBy(() -> new LayerMix("mix", "softmax", List.of(0f, 1f), 1f, false).weights(3))
        .hasMessage("2 scalar parameters for 3 hidden states");
    assertThatThrownBy(() -> LayerMix.sparsemax(new float[] {0f, Float.NaN}))
        .hasMessage("sparsemax of a vector with NaN: [0.0, NaN]");
  }

  private static void assertClose(float[] actual, double... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("p[%d]", i).isCloseTo(expected[i], within(EPS));
    }
  }
}
