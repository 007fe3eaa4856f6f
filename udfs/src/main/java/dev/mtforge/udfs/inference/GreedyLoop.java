package dev.mtforge.udfs.inference;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy search as one ONNX Runtime run of a package's {@code greedy_search.onnx} (the decoder
 * inside the {@code com.microsoft} GreedySearch operator, written by
 * {@code deploy/export/greedy_search_onnx.py}): the prompt ids and mask go in, the sequences come
 * out, and the KV cache never leaves the engine, on the CPU or on a GPU. The operator runs
 * transformers' greedy search (argmax of the last logits, left padding, stop when every row has
 * produced EOS or after {@code max_new_tokens}), so its tokens are those of {@link Generator}'s
 * step loop (the golden tests run both).
 */
final class GreedyLoop {
  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String MAX_LENGTH = "max_length";
  static final String MIN_LENGTH = "min_length";
  static final String REPETITION_PENALTY = "repetition_penalty";
  static final String SEQUENCES = "sequences";

  private GreedyLoop() {}

  /**
   * Decodes a batch.
   *
   * @param lora the batch's LoRA inputs (the decoder reads them from the outer scope)
   * @param what the model, for errors
   */
  static List<Generation> run(Predictor<NDList, NDList> predictor, NDManager parent, NDList lora,
      List<long[]> prompts, GenerationSettings settings, EngineTransfer transfer, String what) {
    long[][] padded = Generator.leftPad(prompts, settings.padTokenId());
    int rows = padded.length;
    int width = padded[0].length;
    int[] ids = new int[rows * width];
    int[] mask = new int[rows * width];
    for (int r = 0; r < rows; r++) {
      int start = width - prompts.get(r).length;
      for (int t = 0; t < width; t++) {
        ids[r * width + t] = Math.toIntExact(padded[r][t]);
        mask[r * width + t] = t >= start ? 1 : 0;
      }
    }
    try (NDManager manager = parent.newSubManager()) {
      NDList in = new NDList();
      in.add(LoraInputs.named(manager.create(ids, new Shape(rows, width)), INPUT_IDS));
      in.add(LoraInputs.named(manager.create(new int[] {width + settings.maxNewTokens()}, new Shape(1)), MAX_LENGTH));
      in.add(LoraInputs.named(manager.create(new int[] {0}, new Shape(1)), MIN_LENGTH));
      in.add(LoraInputs.named(manager.create(new float[] {1f}, new Shape(1)), REPETITION_PENALTY));
      in.add(LoraInputs.named(manager.create(mask, new Shape(rows, width)), ATTENTION_MASK));
      in.addAll(lora);
      transfer.loopSent += (long) Integer.BYTES * (2L * rows * width + 2) + Float.BYTES;
      NDList out;
      try {
        out = predictor.predict(in);
      } catch (TranslateException | RuntimeException e) {
        throw new IllegalStateException(
            "Cannot run the greedy loop of " + what + " on a batch of " + rows + " x " + width + " tokens", e);
      }
      NDArray sequences = out.get(SEQUENCES);
      if (sequences == null) {
        throw new IllegalStateException(what + ": the greedy loop graph has no output '" + SEQUENCES + "'");
      }
      int[] flat = sequences.toIntArray();
      int total = Math.toIntExact(sequences.getShape().get(1));
      transfer.loopReceived += (long) Integer.BYTES * flat.length;
      transfer.loopRuns++;
      List<Generation> generations = new ArrayList<>(rows);
      for (int r = 0; r < rows; r++) {
        long[] tokens = new long[total - width];
        int n = 0;
        boolean eos = false;
        // The operator writes its pad id, set to the EOS id at export, at the EOS and after it.
        for (int t = width; t < total; t++) {
          int token = flat[r * total + t];
          if (token == settings.eosTokenId()) {
            eos = true;
            break;
          }
          tokens[n++] = token;
        }
        generations.add(new Generation(Arrays.copyOf(tokens, n), eos, Double.NaN));
      }
      return generations;
    }
  }
}
