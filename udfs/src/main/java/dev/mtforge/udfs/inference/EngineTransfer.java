package dev.mtforge.udfs.inference;

/**
 * Bytes that crossed between the JVM and ONNX Runtime through one session: per step of the step
 * graph (ids, mask, positions, beams sent; top-k received), per run of the greedy loop (prompt ids
 * and mask sent; the sequences received), per batch (LoRA mask and scales) and per adapter set (LoRA
 * factors). The KV cache is not among them: it stays in the engine between steps (on a GPU the
 * step graph's cache still crosses the device boundary inside ONNX Runtime, the loop's does not).
 */
public final class EngineTransfer {
  long steps;
  long stepSent;
  long stepReceived;
  long stepCache;
  long loopRuns;
  long loopSent;
  long loopReceived;
  long batchSent;
  long factorBytes;

  /** Forward passes of the step graph. */
  public long steps() {
    return steps;
  }

  public long stepSent() {
    return stepSent;
  }

  public long stepReceived() {
    return stepReceived;
  }

  /**
   * Bytes of the present key/value tensors the step graph returned: on the CPU they stay in ONNX
   * Runtime's memory, but on a GPU, without I/O binding in ORT's Java API, each is copied to the host
   * and back to the device as the next step's past.
   */
  public long stepCache() {
    return stepCache;
  }

  /** Runs of the greedy loop graph (one per batch). */
  public long loopRuns() {
    return loopRuns;
  }

  public long loopSent() {
    return loopSent;
  }

  public long loopReceived() {
    return loopReceived;
  }

  /** LoRA masks and scales, once per batch. */
  public long batchSent() {
    return batchSent;
  }

  /** LoRA factors, once per change of the batch's adapter set. */
  public long factorBytes() {
    return factorBytes;
  }
}
