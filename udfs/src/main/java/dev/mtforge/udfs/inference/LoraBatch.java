package dev.mtforge.udfs.inference;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The adapter of each row of a batch (null = base model), as the graph takes it: the batch's
 * distinct adapters once, their ranks concatenated (per target A {@code [R, in]} and B
 * {@code [out, R]}, R the sum of their ranks), a per-row mask {@code [rows, R]} that is 1 on the
 * columns of the row's adapter, and a per-row scale (0 for base rows). LoRA input memory is thus
 * the adapters' own size whatever the number of rows (beam search included), and one ONNX session
 * serves a batch that mixes adapters.
 *
 * <p>A target an adapter does not cover gets zero columns (it adds nothing there). A batch with no
 * adapter has R = 1 and zero factors: the graph needs a rank of at least 1.
 */
public final class LoraBatch {
  private final ModelManifest manifest;
  private final List<LoraAdapter> rows;
  private final List<LoraAdapter> adapters;
  private final int[] offsets;
  private final int rank;

  public LoraBatch(ModelManifest manifest, List<LoraAdapter> rows) {
    this.manifest = Objects.requireNonNull(manifest, "manifest");
    this.rows = Collections.unmodifiableList(new ArrayList<>(rows));
    Map<LoraAdapter, Boolean> seen = new IdentityHashMap<>();
    List<LoraAdapter> distinct = new ArrayList<>();
    for (LoraAdapter adapter : rows) {
      if (adapter != null && seen.put(adapter, Boolean.TRUE) == null) {
        distinct.add(adapter);
      }
    }
    this.adapters = Collections.unmodifiableList(distinct);
    this.offsets = new int[distinct.size()];
    int sum = 0;
    for (int k = 0; k < distinct.size(); k++) {
      offsets[k] = sum;
      sum += distinct.get(k).rank();
    }
    this.rank = Math.max(1, sum);
  }

  /** Every row on the base model. */
  public static LoraBatch none(ModelManifest manifest, int rows) {
    return new LoraBatch(manifest, Collections.nCopies(rows, null));
  }

  public int rows() {
    return rows.size();
  }

  /** R: the columns of the factor inputs (the sum of the distinct adapters' ranks, at least 1). */
  public int rank() {
    return rank;
  }

  /** The adapter of a row, or null. */
  public LoraAdapter adapter(int row) {
    return rows.get(row);
  }

  /**
   * The distinct adapters, in order of first appearance: what the factor inputs hold. Two batches
   * with the same list (by identity) have the same factor inputs.
   */
  public List<LoraAdapter> adapters() {
    return adapters;
  }

  /** Each row repeated {@code times} times in place (beam expansion); the factors are the same. */
  public LoraBatch repeatEach(int times) {
    List<LoraAdapter> out = new ArrayList<>(rows.size() * times);
    for (LoraAdapter adapter : rows) {
      for (int i = 0; i < times; i++) {
        out.add(adapter);
      }
    }
    return new LoraBatch(manifest, out);
  }

  /** Per-row scale input {@code [rows]}. */
  public float[] scales() {
    float[] scales = new float[rows.size()];
    for (int row = 0; row < scales.length; row++) {
      LoraAdapter adapter = rows.get(row);
      scales[row] = adapter == null ? 0f : adapter.scale();
    }
    return scales;
  }

  /** Per-row column mask input {@code [rows, R]}: 1 on the row's adapter's columns. */
  public float[] mask() {
    float[] mask = new float[rows.size() * rank];
    for (int row = 0; row < rows.size(); row++) {
      LoraAdapter adapter = rows.get(row);
      if (adapter != null) {
        int k = indexOf(adapter);
        Arrays.fill(mask, row * rank + offsets[k], row * rank + offsets[k] + adapter.rank(), 1f);
      }
    }
    return mask;
  }

  /** Bytes of the A input of a target in a dtype: {@code R * in * dtype.bytes()}. */
  public long bytesA(int target, ModelDtype dtype) {
    return (long) rank * manifest.targets().get(target).inFeatures() * dtype.bytes();
  }

  /** Bytes of the B input of a target in a dtype: {@code out * R * dtype.bytes()}. */
  public long bytesB(int target, ModelDtype dtype) {
    return (long) manifest.targets().get(target).outFeatures() * rank * dtype.bytes();
  }

  /**
   * Writes the A input of a target, {@code [R, in]} row-major, at the buffer's index 0: each
   * adapter's {@code [r, in]} factor at its row offset (PEFT's layout, copied as is), zeros where
   * an adapter has no factor for the target.
   */
  public void writeA(int layer, int target, ModelDtype dtype, ByteBuffer out) {
    int in = manifest.targets().get(target).inFeatures();
    String key = LoraAdapter.key(layer, manifest.targets().get(target).module());
    zero(out, bytesA(target, dtype));
    for (int k = 0; k < adapters.size(); k++) {
      float[] a = adapters.get(k).factorA().get(key);
      if (a != null) {
        int base = offsets[k] * in;
        for (int i = 0; i < a.length; i++) {
          dtype.put(out, (base + i) * dtype.bytes(), a[i]);
        }
      }
    }
  }

  /**
   * Writes the B input of a target, {@code [out, R]} row-major: row o holds each adapter's
   * {@code B[o, 0..r)} at its column offset.
   */
  public void writeB(int layer, int target, ModelDtype dtype, ByteBuffer out) {
    int outFeatures = manifest.targets().get(target).outFeatures();
    String key = LoraAdapter.key(layer, manifest.targets().get(target).module());
    zero(out, bytesB(target, dtype));
    for (int k = 0; k < adapters.size(); k++) {
      float[] b = adapters.get(k).factorB().get(key);
      if (b != null) {
        int r = adapters.get(k).rank();
        for (int o = 0; o < outFeatures; o++) {
          int base = o * rank + offsets[k];
          for (int c = 0; c < r; c++) {
            dtype.put(out, (base + c) * dtype.bytes(), b[o * r + c]);
          }
        }
      }
    }
  }

  private int indexOf(LoraAdapter adapter) {
    for (int k = 0; k < adapters.size(); k++) {
      if (adapters.get(k) == adapter) {
        return k;
      }
    }
    throw new IllegalStateException(adapter + " is not in " + this);
  }

  private static void zero(ByteBuffer out, long bytes) {
    for (int i = 0; i + 8 <= bytes; i += 8) {
      out.putLong(i, 0L);
    }
    for (int i = (int) (bytes - bytes % 8); i < bytes; i++) {
      out.put(i, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "LoRA batch " + Arrays.toString(rows.stream().map(a -> a == null ? "base" : a.id()).toArray());
  }
}
