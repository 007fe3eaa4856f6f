package dev.mtforge.udfs.metrics.comet;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * COMET's layer mix ({@code comet/modules/layerwise_attention.py}): the sentence representation
 * is {@code gamma * sum_k(w_k * h_k)} over the encoder's hidden states, where {@code w} is
 * {@code sparsemax} or {@code softmax} of the trained scalar parameters. The exported graph takes
 * {@code w} and {@code gamma} as inputs; this class computes them, in float32 as torch does.
 *
 * <pre>{@code float[] w = LayerMix.sparsemax(new float[] {-0.5f, 0.6f, 0.1f, 1f}); // [0, 0.3, 0, 0.7]}</pre>
 *
 * @param layer {@code "mix"}, or the index of the one hidden state the model uses
 * @param transformation {@code sparsemax} or {@code softmax} (what COMET applies: the exporter
 *     has already turned hparams.yaml's {@code sparsemax_patch} into softmax)
 * @param scalarParameters the trained weights, one per hidden state (empty unless {@code mix})
 * @param gamma the trained scale (1 unless {@code mix})
 * @param layerNorm whether each hidden state is first normalised per sentence (part of the graph)
 */
public record LayerMix(String layer, String transformation, List<Float> scalarParameters, float gamma,
    boolean layerNorm) implements Serializable {

  /** The transformations COMET applies to the scalar parameters. */
  public static final List<String> TRANSFORMATIONS = List.of("sparsemax", "softmax");

  public LayerMix {
    Objects.requireNonNull(layer, "layer");
    scalarParameters = List.copyOf(scalarParameters);
    if (!TRANSFORMATIONS.contains(transformation)) {
      throw new IllegalArgumentException(
          "Unknown layer transformation '" + transformation + "'; known: " + String.join(", ", TRANSFORMATIONS));
    }
  }

  /** The weight of each of {@code numStates} hidden states. */
  public float[] weights(int numStates) {
    if (!"mix".equals(layer)) {
      int index = Integer.parseInt(layer);
      if (index < 0 || index >= numStates) {
        throw new IllegalArgumentException("Layer " + index + " is not one of the " + numStates + " hidden states");
      }
      float[] oneHot = new float[numStates];
      oneHot[index] = 1f;
      return oneHot;
    }
    if (scalarParameters.size() != numStates) {
      throw new IllegalArgumentException(
          scalarParameters.size() + " scalar parameters for " + numStates + " hidden states");
    }
    float[] z = new float[numStates];
    for (int i = 0; i < numStates; i++) {
      z[i] = scalarParameters.get(i);
    }
    return "sparsemax".equals(transformation) ? sparsemax(z) : softmax(z);
  }

  /**
   * entmax's {@code sparsemax} (Martins and Astudillo, 2016) of a vector, step for step in
   * float32: subtract the maximum, sort descending, {@code c_k = z_1 + … + z_k − 1}, support
   * size {@code K = #{k : k·z_k > c_k}}, threshold {@code τ = c_K / K}, {@code p = max(z − τ, 0)}.
   * The result sums to 1 and is exactly 0 below the threshold.
   */
  public static float[] sparsemax(float[] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("sparsemax of an empty vector");
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      if (Float.isNaN(v)) {
        throw new IllegalArgumentException("sparsemax of a vector with NaN: " + Arrays.toString(x));
      }
      max = Math.max(max, v);
    }
    float[] shifted = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      shifted[i] = x[i] - max;
    }
    float[] sorted = shifted.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    float cumsum = 0f;
    float tauNumerator = 0f;
    int support = 0;
    // entmax counts every k with k·z_k > c_k; for sorted input they form a prefix
    float[] cumsums = new float[n];
    for (int k = 1; k <= n; k++) {
      cumsum += sorted[n - k];
      cumsums[k - 1] = cumsum - 1f;
      if ((float) k * sorted[n - k] > cumsums[k - 1]) {
        support++;
      }
    }
    tauNumerator = cumsums[support - 1];
    float tau = tauNumerator / (float) support;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.max(shifted[i] - tau, 0f);
    }
    return out;
  }

  /** torch.softmax of a vector in float32 ({@code exp(x − max) / sum}). */
  public static float[] softmax(float[] x) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    float[] out = new float[x.length];
    float sum = 0f;
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) Math.exp(x[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < x.length; i++) {
      out[i] /= sum;
    }
    return out;
  }
}
