package dev.mtforge.udfs.inference;

import java.util.Map;
import java.util.Objects;

/**
 * A LoRA adapter as the graph consumes it: for each (layer, target) it covers, the factors A
 * {@code [rank, in]} and B {@code [out, rank]} as float arrays, and the scale
 * {@code lora_alpha / rank} (PEFT's; {@code lora_alpha / sqrt(rank)} with rsLoRA).
 *
 * @param id adapter id (the {@code adapters} table key)
 * @param rank LoRA rank r
 * @param scale factor applied to {@code B·A·x}
 * @param factorA per {@link #key(int, String)}, A row-major
 * @param factorB per {@link #key(int, String)}, B row-major
 */
public record LoraAdapter(
    String id, int rank, float scale, Map<String, float[]> factorA, Map<String, float[]> factorB) {

  public LoraAdapter {
    Objects.requireNonNull(id, "id");
    if (rank < 1) {
      throw new IllegalArgumentException("Adapter '" + id + "': rank must be at least 1, got " + rank);
    }
    factorA = Map.copyOf(factorA);
    factorB = Map.copyOf(factorB);
  }

  /** The map key of one target: {@code 0/self_attn.q_proj}. */
  public static String key(int layer, String module) {
    return layer + "/" + module;
  }

  @Override
  public String toString() {
    return "adapter " + id + " (r=" + rank + ", scale=" + scale + ")";
  }
}
