package dev.mtforge.udfs.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens HF {@code tokenizer.json} files in DJL's tokenizers library with the settings every part
 * of mtforge needs: the one loader for inference ({@code CausalLm}) and token counts (data_stats,
 * training_shards). The caller closes the tokenizer.
 */
public final class HfTokenizers {
  // DJL truncates to 512 tokens unless told not to: a long segment would lose its tail silently.
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");

  private HfTokenizers() {}

  /** Loads a local {@code tokenizer.json}. */
  public static HuggingFaceTokenizer load(Path tokenizerJson) throws IOException {
    return HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS);
  }

  /** Loads the content of a {@code tokenizer.json} (a copy read from S3 or a broadcast). */
  public static HuggingFaceTokenizer load(InputStream tokenizerJson) throws IOException {
    return HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS);
  }
}
