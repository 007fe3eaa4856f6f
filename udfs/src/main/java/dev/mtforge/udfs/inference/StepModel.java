package dev.mtforge.udfs.inference;

import java.util.List;

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
   * @param past the cache of the previous steps ({@link #emptyCache} at first)
   * @param pastRows for each row, the row of {@code past} it continues (beam reorder, done inside
   *     the engine); null for the identity
   * @param lora the adapter of each row
   * @param topK candidates to return per row
   * @return the best {@code topK} log-probabilities of the last position per row and the grown cache
   */
  Step forward(long[][] ids, long[][] mask, long[][] positions, KvCache past, int[] pastRows, LoraBatch lora, int topK);

  /** Cache shape of this model, for an empty cache. */
  KvCache emptyCache(int rows);

  /** Logits width: the most candidates a row can have. */
  int vocabSize();

  /**
   * Whether {@link #greedyLoop} runs a whole greedy search inside the engine (the model was loaded
   * with its greedy loop graph); {@link Generator} then uses it instead of stepping.
   */
  default boolean hasGreedyLoop() {
    return false;
  }

  /**
   * A whole greedy search in one engine run: the tokens of {@link Generator}'s greedy step loop.
   *
   * @throws UnsupportedOperationException when {@link #hasGreedyLoop} is false
   */
  default List<Generation> greedyLoop(List<long[]> prompts, LoraBatch lora, GenerationSettings settings) {
    throw new UnsupportedOperationException("this model has no greedy loop");
  }

  /**
   * What a forward pass returns.
   *
   * @param logprobs {@code [rows][k]}: the k best {@code log_softmax} values of the last position,
   *     best first (equal values: lower token id first)
   * @param tokens {@code [rows][k]}: their token ids
   * @param present the cache including the new positions
   */
  record Step(float[][] logprobs, long[][] tokens, KvCache present) {}
}
