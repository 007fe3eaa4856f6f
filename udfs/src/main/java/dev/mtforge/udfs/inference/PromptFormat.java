package dev.mtforge.udfs.inference;

import java.io.Serializable;

/**
 * ALMA's translation prompt ({@code Translate this from German to English:\nGerman: …\nEnglish:}),
 * optionally wrapped in the LLaMA-2 chat template as X-ALMA does, and ALMA's rule for reading the
 * output: the first non-empty line of the generated text.
 *
 * @param chat wrap the prompt as a LLaMA-2 chat user turn ({@code [INST] … [/INST]})
 */
public record PromptFormat(boolean chat) implements Serializable {

  /** ALMA's plain prompt. */
  public static final PromptFormat ALMA = new PromptFormat(false);
  /** X-ALMA's: the ALMA prompt as a LLaMA-2 chat turn. */
  public static final PromptFormat ALMA_CHAT = new PromptFormat(true);

  /**
   * The prompt for one segment; language names are the registry's English names.
   *
   * @param sourceName English name of the source language ({@code German})
   * @param targetName English name of the target language
   * @param source the segment to translate
   */
  public String prompt(String sourceName, String targetName, String source) {
    String plain =
        "Translate this from " + sourceName + " to " + targetName + ":\n"
            + sourceName + ": " + source + "\n" + targetName + ":";
    // LLaMA-2's chat template for one user turn; the tokenizer adds <s> in front.
    return chat ? "[INST] " + plain + " [/INST]" : plain;
  }

  /** ALMA's hypothesis: the first line of the output that is not blank, trimmed ("" if none). */
  public static String firstLine(String output) {
    for (String line : output.split("\n", -1)) {
      if (!line.isBlank()) {
        return line.strip();
      }
    }
    return "";
  }
}
