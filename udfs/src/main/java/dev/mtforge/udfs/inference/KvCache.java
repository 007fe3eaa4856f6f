package dev.mtforge.udfs.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * The attention key/value cache of a batch: per layer one key and one value tensor shaped
 * {@code [rows, kvHeads, length, headDim]} in the package's dtype, kept in the engine's memory (the
 * previous step's outputs are the next step's inputs; beam search reorders rows inside the graph
 * with its {@code beam_idx} input). Copying the cache to the JVM heap and back on every step made
 * a small model's decode loop allocate about 1 MB per step, and the memory traffic cost more CPU
 * than the forward pass (PERFORMANCE.md).
 *
 * <p>Owns its tensors through its own {@link NDManager}: {@link #close} frees them. A search
 * closes each cache once the next step has consumed it.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final int rows;
  private final int kvHeads;
  private final int length;
  private final int headDim;
  private final NDArray[] keys;
  private final NDArray[] values;

  /**
   * Takes ownership of per-layer tensors: they are attached to {@code manager}, which this cache
   * closes.
   *
   * @param manager a manager of this cache alone
   * @param keys per layer, {@code [rows, kvHeads, length, headDim]}, all of one floating type
   * @param values same shapes as keys
   */
  public KvCache(NDManager manager, int rows, int kvHeads, int length, int headDim, NDArray[] keys, NDArray[] values) {
    this.manager = Objects.requireNonNull(manager, "manager");
    this.rows = rows;
    this.kvHeads = kvHeads;
    this.length = length;
    this.headDim = headDim;
    this.keys = keys;
    this.values = values;
    Shape expected = new Shape(rows, kvHeads, length, headDim);
    DataType type = keys.length == 0 ? DataType.FLOAT32 : keys[0].getDataType();
    for (int layer = 0; layer < keys.length; layer++) {
      check(keys[layer], expected, type, "key", layer);
      check(values[layer], expected, type, "value", layer);
      keys[layer].attach(manager);
      values[layer].attach(manager);
    }
  }

  private static void check(NDArray array, Shape expected, DataType type, String what, int layer) {
    if (!array.getShape().equals(expected) || array.getDataType() != type) {
      throw new IllegalArgumentException(
          "KV cache " + what + " of layer " + layer + " is " + array.getDataType() + " " + array.getShape()
              + ", expected " + type + " " + expected);
    }
  }

  /** An empty cache (length 0): the first step of a generation needs no separate prefill graph. */
  public static KvCache empty(NDManager parent, int layers, int rows, int kvHeads, int headDim, ModelDtype dtype) {
    NDManager manager = parent.newSubManager();
    Shape shape = new Shape(rows, kvHeads, 0, headDim);
    NDArray[] k = new NDArray[layers];
    NDArray[] v = new NDArray[layers];
    for (int layer = 0; layer < layers; layer++) {
      k[layer] = manager.create(manager.allocateDirect(0), shape, dtype.dataType());
      v[layer] = manager.create(manager.allocateDirect(0), shape, dtype.dataType());
    }
    return new KvCache(manager, rows, kvHeads, 0, headDim, k, v);
  }

  public int rows() {
    return rows;
  }

  public int layers() {
    return keys.length;
  }

  public int kvHeads() {
    return kvHeads;
  }

  /** Cached positions per row. */
  public int length() {
    return length;
  }

  public int headDim() {
    return headDim;
  }

  /** The key tensor of a layer (owned by this cache). */
  public NDArray key(int layer) {
    return keys[layer];
  }

  /** The value tensor of a layer (owned by this cache). */
  public NDArray value(int layer) {
    return values[layer];
  }

  @Override
  public void close() {
    manager.close();
  }
}
