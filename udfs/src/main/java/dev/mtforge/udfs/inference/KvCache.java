package dev.mtforge.udfs.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The attention key/value cache of a batch: per layer one key and one value tensor shaped
 * {@code [rows, kvHeads, length, headDim]}, kept in the engine's memory (the previous step's
 * outputs are the next step's inputs). Copying the cache to the JVM heap and back on every step
 * made a small model's decode loop allocate about 1 MB per step, and the memory traffic cost more
 * CPU than the forward pass (PERFORMANCE.md).
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
   * @param keys per layer, {@code [rows, kvHeads, length, headDim]} float32
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
    for (int layer = 0; layer < keys.length; layer++) {
      check(keys[layer], expected, "key", layer);
      check(values[layer], expected, "value", layer);
      keys[layer].attach(manager);
      values[layer].attach(manager);
    }
  }

  private static void check(NDArray array, Shape expected, String what, int layer) {
    if (!array.getShape().equals(expected) || array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "KV cache " + what + " of layer " + layer + " is " + array.getDataType() + " " + array.getShape()
              + ", expected float32 " + expected);
    }
  }

  /** An empty cache (length 0): the first step of a generation needs no separate prefill graph. */
  public static KvCache empty(NDManager parent, int layers, int rows, int kvHeads, int headDim) {
    NDManager manager = parent.newSubManager();
    Shape shape = new Shape(rows, kvHeads, 0, headDim);
    NDArray[] k = new NDArray[layers];
    NDArray[] v = new NDArray[layers];
    for (int layer = 0; layer < layers; layer++) {
      k[layer] = manager.create(new float[0], shape);
      v[layer] = manager.create(new float[0], shape);
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

  /**
   * A cache whose row {@code i} is this cache's row {@code order[i]} (beam reordering): this cache
   * itself when the order is the identity, else a new cache (close both). The engine's arrays
   * implement no gather, so rows are copied through the heap.
   */
  public KvCache select(int[] order) {
    boolean identity = order.length == rows;
    for (int i = 0; identity && i < order.length; i++) {
      identity = order[i] == i;
    }
    if (identity) {
      return this;
    }
    NDManager target = manager.getParentManager().newSubManager();
    int rowBytes = kvHeads * length * headDim * Float.BYTES;
    Shape shape = new Shape(order.length, kvHeads, length, headDim);
    NDArray[] k = new NDArray[keys.length];
    NDArray[] v = new NDArray[keys.length];
    for (int layer = 0; layer < keys.length; layer++) {
      k[layer] = gather(target, keys[layer], order, rowBytes, shape);
      v[layer] = gather(target, values[layer], order, rowBytes, shape);
    }
    return new KvCache(target, order.length, kvHeads, length, headDim, k, v);
  }

  private static NDArray gather(NDManager target, NDArray source, int[] order, int rowBytes, Shape shape) {
    ByteBuffer src = source.toByteBuffer();
    ByteBuffer dst = target.allocateDirect(order.length * rowBytes);
    for (int i = 0; i < order.length; i++) {
      dst.put(i * rowBytes, src, order[i] * rowBytes, rowBytes);
    }
    return target.create(dst, shape, DataType.FLOAT32);
  }

  @Override
  public void close() {
    manager.close();
  }
}
