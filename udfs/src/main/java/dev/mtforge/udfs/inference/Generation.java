package dev.mtforge.udfs.inference;

/**
 * The output of one segment's generation.
 *
 * @param tokens generated ids, without the prompt and without EOS
 * @param eos true when the generation ended with EOS, false when it hit {@code max_new_tokens}
 * @param score beam search's length-normalised score (NaN for greedy)
 */
public record Generation(long[] tokens, boolean eos, double score) {

  /** Generated tokens counting the EOS, as {@code output_tokens} reports them. */
  public int outputTokens() {
    return tokens.length + (eos ? 1 : 0);
  }
}
