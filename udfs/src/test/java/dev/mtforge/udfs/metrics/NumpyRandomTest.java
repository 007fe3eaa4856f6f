package dev.mtforge.udfs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The PCG64 stream against NumPy 2.4.6. Expected values from (python3 3.11, numpy 2.4.6):
 *
 * <pre>
 * rng = np.random.default_rng(12345); rng.bit_generator.random_raw(3)
 * rng = np.random.default_rng(12345); rng.choice(12, size=(2, 10), replace=True)
 * rng.integers(2, size=(2, 40), dtype=bool); rng.choice(1000, size=5)
 * </pre>
 */
class NumpyRandomTest {

  @Test
  void rawOutputsMatchNumpy() {
    NumpyRandom rng = new NumpyRandom(12345);
    assertThat(Long.toUnsignedString(rng.nextLong())).isEqualTo("4193609425186963869");
    assertThat(Long.toUnsignedString(rng.nextLong())).isEqualTo("5843160025838961886");
    assertThat(Long.toUnsignedString(rng.nextLong())).isEqualTo("14708796524633321433");
  }

  @Test
  void boundedAndBooleanDrawsMatchNumpy() {
    NumpyRandom rng = new NumpyRandom(12345);
    assertThat(rng.integers(12, 20))
        .containsExactly(8, 2, 9, 3, 2, 9, 7, 8, 11, 4, 10, 3, 6, 7, 2, 2, 2, 8, 7, 11);
    boolean[] bools = rng.booleans(80);
    StringBuilder bits = new StringBuilder();
    for (boolean b : bools) {
      bits.append(b ? '1' : '0');
    }
    assertThat(bits.toString())
        .isEqualTo(
            "1111101100010101011000110010110110011111"
                + "1110000010110001111111001111000101101101");
    assertThat(rng.integers(1000, 5)).containsExactly(948, 732, 667, 130, 95);
  }
}
