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
 * @param greedyLoop load the package's whole-loop greedy graph instead of its step graph, when it
 *     has one this device can run (a greedy run; beam search needs the step graph)
 */
public record ModelSpec(String kind, String uri, String device, int intraOpThreads, boolean greedyLoop)
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
    return new ModelSpec(CAUSAL_LM, uri, "cpu", 0, false);
  }

  public ModelSpec withUri(String newUri) {
    return new ModelSpec(kind, newUri, device, intraOpThreads, greedyLoop);
  }

  public ModelSpec withDevice(String newDevice) {
    return new ModelSpec(kind, uri, newDevice, intraOpThreads, greedyLoop);
  }

  public ModelSpec withThreads(int threads) {
    return new ModelSpec(kind, uri, device, threads, greedyLoop);
  }

  public ModelSpec withGreedyLoop(boolean loop) {
    return new ModelSpec(kind, uri, device, intraOpThreads, loop);
  }

  @Override
  public String toString() {
    return kind + " " + uri + " on " + device + (intraOpThreads > 0 ? " (" + intraOpThreads + " threads)" : "")
        + (greedyLoop ? ", greedy loop" : "");
  }
}
