package dev.mtforge.udfs.inference;

import java.io.Serializable;
import java.util.Objects;

/**
 * What model to load and where: the key of the per-JVM {@link ModelCache}, serialized to tasks
 * (the {@code Criteria} of DJL's vocabulary).
 *
 * <pre>{@code ModelSpec spec = ModelSpec.of("/models/tiny-llama").withThreads(1);}</pre>
 *
 * @param kind what the cache builds from it ({@code causal-lm}; COMET uses its own kind)
 * @param uri local folder of the model package
 * @param device {@code cpu} or {@code gpu:N}; a task's GPU resource overrides {@code cpu} on GPU executors
 * @param intraOpThreads ONNX Runtime threads per session (0 = ORT's default, all cores)
 */
public record ModelSpec(String kind, String uri, String device, int intraOpThreads)
    implements Serializable {

  /** The kind of a translation model. */
  public static final String CAUSAL_LM = "causal-lm";

  public ModelSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(device, "device");
    if (!device.equals("cpu") && !device.matches("gpu:\\d+")) {
      throw new IllegalArgumentException("Unknown device '" + device + "'; expected cpu or gpu:N");
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intra-op threads must be >= 0, got " + intraOpThreads);
    }
  }

  /** A causal LM package on the CPU with ORT's default threads. */
  public static ModelSpec of(String uri) {
    return new ModelSpec(CAUSAL_LM, uri, "cpu", 0);
  }

  public ModelSpec withDevice(String newDevice) {
    return new ModelSpec(kind, uri, newDevice, intraOpThreads);
  }

  public ModelSpec withThreads(int threads) {
    return new ModelSpec(kind, uri, device, threads);
  }

  @Override
  public String toString() {
    return kind + " " + uri + " on " + device + (intraOpThreads > 0 ? " (" + intraOpThreads + " threads)" : "");
  }
}
