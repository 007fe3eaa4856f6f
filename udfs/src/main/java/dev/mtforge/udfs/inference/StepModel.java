package dev.mtforge.udfs.inference;

/**
 * One forward pass of a causal LM with a KV cache: the narrow interface the searches run on. The
 * ONNX implementation is {@link CausalLm.Session}; a search never sees the engine.
 */
public interface StepModel {

  /**
   * Runs the model on new tokens after the cached ones.
   *
   * @param ids new token ids, {@code [rows][seq]}
   * @param mask attention mask over cached + new positions, {@code [rows][past + seq]} (0 = padding)
   * @param positions position ids of the new tokens, {@code [rows][seq]}
   * @param past the cache of the previous steps ({@link KvCache#empty} at first)
   * @param lora the adapter of each row
   * @return the last position's logits per row and the grown cache
   */
  Step forward(long[][] ids, long[][] mask, long[][] positions, KvCache past, LoraBatch lora);

  /** Cache shape of this model, for an empty cache. */
  KvCache emptyCache(int rows);

  /**
   * What a forward pass returns.
   *
   * @param logits {@code [rows][vocab]} of the last position
   * @param present the cache including the new positions
   */
  record Step(float[][] logits, KvCache present) {}
}
