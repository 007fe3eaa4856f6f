package dev.mtforge.udfs.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The adapter of each row of a batch (null = base model), turned into the graph's LoRA inputs:
 * per target A {@code [rows, r, in]} and B {@code [rows, out, r]}, zero-padded to the largest
 * rank in the batch (zero rows of A and zero columns of B add nothing), and a scale per row
 * (0 for base rows). One ONNX session thus serves a batch that mixes adapters.
 */
public final class LoraBatch {
  private final ModelManifest manifest;
  private final List<LoraAdapter> adapters;
  private final int rank;
  private float[][] inputsA; // built on first use, per (layer * targets + target)
  private float[][] inputsB;

  public LoraBatch(ModelManifest manifest, List<LoraAdapter> adapters) {
    this.manifest = Objects.requireNonNull(manifest, "manifest");
    this.adapters = new ArrayList<>(adapters);
    int max = 1; // the graph needs rank >= 1: a base-only batch gets rank-1 zeros
    for (LoraAdapter adapter : adapters) {
      if (adapter != null) {
        max = Math.max(max, adapter.rank());
      }
    }
    this.rank = max;
  }

  /** Every row on the base model. */
  public static LoraBatch none(ModelManifest manifest, int rows) {
    return new LoraBatch(manifest, java.util.Collections.nCopies(rows, null));
  }

  public int rows() {
    return adapters.size();
  }

  /** The padded rank of this batch's LoRA inputs. */
  public int rank() {
    return rank;
  }

  /** The adapter of a row, or null. */
  public LoraAdapter adapter(int row) {
    return adapters.get(row);
  }

  /** A batch whose row {@code i} is this batch's row {@code order[i]}; reuses inputs if unchanged. */
  public LoraBatch select(int[] order) {
    List<LoraAdapter> picked = new ArrayList<>(order.length);
    boolean same = order.length == adapters.size();
    for (int i = 0; i < order.length; i++) {
      LoraAdapter adapter = adapters.get(order[i]);
      picked.add(adapter);
      same = same && adapter == adapters.get(i);
    }
    return same ? this : new LoraBatch(manifest, picked);
  }

  /** Each row repeated {@code times} times in place (beam expansion). */
  public LoraBatch repeatEach(int times) {
    List<LoraAdapter> out = new ArrayList<>(adapters.size() * times);
    for (LoraAdapter adapter : adapters) {
      for (int i = 0; i < times; i++) {
        out.add(adapter);
      }
    }
    return new LoraBatch(manifest, out);
  }

  /** Per-row scale input. */
  public float[] scales() {
    float[] scales = new float[adapters.size()];
    for (int row = 0; row < scales.length; row++) {
      LoraAdapter adapter = adapters.get(row);
      scales[row] = adapter == null ? 0f : adapter.scale();
    }
    return scales;
  }

  /** The A input of a target, {@code [rows, rank, in]}. */
  public synchronized float[] inputA(int layer, int target) {
    build();
    return inputsA[layer * manifest.targets().size() + target];
  }

  /** The B input of a target, {@code [rows, out, rank]}. */
  public synchronized float[] inputB(int layer, int target) {
    build();
    return inputsB[layer * manifest.targets().size() + target];
  }

  private void build() {
    if (inputsA != null) {
      return;
    }
    int targets = manifest.targets().size();
    int rows = adapters.size();
    inputsA = new float[manifest.numLayers() * targets][];
    inputsB = new float[manifest.numLayers() * targets][];
    for (int layer = 0; layer < manifest.numLayers(); layer++) {
      for (int t = 0; t < targets; t++) {
        ModelManifest.LoraTarget target = manifest.targets().get(t);
        int in = target.inFeatures();
        int out = target.outFeatures();
        float[] a = new float[rows * rank * in];
        float[] b = new float[rows * out * rank];
        String key = LoraAdapter.key(layer, target.module());
        for (int row = 0; row < rows; row++) {
          LoraAdapter adapter = adapters.get(row);
          if (adapter == null) {
            continue;
          }
          int r = adapter.rank();
          // A [r, in] fills the first r of `rank` rows; B [out, r] the first r columns.
          System.arraycopy(adapter.factorA().get(key), 0, a, row * rank * in, r * in);
          float[] src = adapter.factorB().get(key);
          for (int o = 0; o < out; o++) {
            System.arraycopy(src, o * r, b, (row * out + o) * rank, r);
          }
        }
        inputsA[layer * targets + t] = a;
        inputsB[layer * targets + t] = b;
      }
    }
  }

  @Override
  public String toString() {
    return "LoRA batch " + Arrays.toString(adapters.stream().map(a -> a == null ? "base" : a.id()).toArray());
  }
}
