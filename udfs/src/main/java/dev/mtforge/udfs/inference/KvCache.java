package dev.mtforge.udfs.inference;

/**
 * The attention key/value cache of a batch, on the JVM heap: per layer one key and one value
 * array shaped {@code [rows, kvHeads, length, headDim]} (row-major).
 *
 * <p>Kept as plain arrays because DJL's ONNX Runtime arrays implement no gather: beam search
 * reorders rows here ({@link #select}) and the next step copies the cache back in.
 */
public final class KvCache {
  private final int rows;
  private final int kvHeads;
  private final int length;
  private final int headDim;
  private final float[][] keys;
  private final float[][] values;

  /**
   * Wraps per-layer arrays (not copied).
   *
   * @param keys per layer, {@code rows * kvHeads * length * headDim} floats
   * @param values same shapes as keys
   */
  public KvCache(int rows, int kvHeads, int length, int headDim, float[][] keys, float[][] values) {
    this.rows = rows;
    this.kvHeads = kvHeads;
    this.length = length;
    this.headDim = headDim;
    this.keys = keys;
    this.values = values;
    int expected = rows * kvHeads * length * headDim;
    for (int layer = 0; layer < keys.length; layer++) {
      if (keys[layer].length != expected || values[layer].length != expected) {
        throw new IllegalArgumentException(
            "KV cache layer " + layer + " holds " + keys[layer].length + "/" + values[layer].length
                + " floats, expected " + expected + " for [" + rows + ", " + kvHeads + ", " + length
                + ", " + headDim + "]");
      }
    }
  }

  /** An empty cache (length 0): the first step of a generation needs no separate prefill graph. */
  public static KvCache empty(int layers, int rows, int kvHeads, int headDim) {
    float[][] k = new float[layers][0];
    float[][] v = new float[layers][0];
    return new KvCache(rows, kvHeads, 0, headDim, k, v);
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

  /** The key array of a layer (not a copy). */
  public float[] key(int layer) {
    return keys[layer];
  }

  /** The value array of a layer (not a copy). */
  public float[] value(int layer) {
    return values[layer];
  }

  /** A cache whose row {@code i} is this cache's row {@code order[i]} (beam reordering). */
  public KvCache select(int[] order) {
    boolean identity = order.length == rows;
    for (int i = 0; identity && i < order.length; i++) {
      identity = order[i] == i;
    }
    if (identity) {
      return this;
    }
    int rowSize = kvHeads * length * headDim;
    float[][] k = new float[keys.length][];
    float[][] v = new float[keys.length][];
    for (int layer = 0; layer < keys.length; layer++) {
      k[layer] = new float[order.length * rowSize];
      v[layer] = new float[order.length * rowSize];
      for (int i = 0; i < order.length; i++) {
        System.arraycopy(keys[layer], order[i] * rowSize, k[layer], i * rowSize, rowSize);
        System.arraycopy(values[layer], order[i] * rowSize, v[layer], i * rowSize, rowSize);
      }
    }
    return new KvCache(order.length, kvHeads, length, headDim, k, v);
  }
}
