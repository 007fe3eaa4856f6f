package dev.mtforge.udfs.inference;

import java.io.Serializable;
import java.util.List;

/**
 * ALMA's translation prompt ({@code Translate this from German to English:\nGerman: …\nEnglish:}),
 * optionally with few-shot examples between the instruction and the segment (ALMA's few-shot
 * prompt: one {@code German: …\nEnglish: …} pair per example), optionally wrapped in the LLaMA-2
 * chat template as X-ALMA does, and ALMA's rule for reading the output: the first non-empty line
 * of the generated text.
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
    return prompt(sourceName, targetName, source, List.of());
  }

  /**
   * The few-shot prompt for one segment: with no shots, the same text as the zero-shot prompt.
   *
   * @param shots translated examples of the same direction, in prompt order
   */
  public String prompt(String sourceName, String targetName, String source, List<Shot> shots) {
    StringBuilder plain = new StringBuilder("Translate this from " + sourceName + " to " + targetName + ":");
    for (Shot shot : shots) {
      plain.append('\n').append(sourceName).append(": ").append(shot.source())
          .append('\n').append(targetName).append(": ").append(shot.target());
    }
    plain.append('\n').append(sourceName).append(": ").append(source).append('\n').append(targetName).append(':');
    // LLaMA-2's chat template for one user turn; the tokenizer adds <s> in front.
    return chat ? "[INST] " + plain + " [/INST]" : plain.toString();
  }

  /**
   * A few-shot example: a source segment and its reference translation.
   *
   * @param source the example's source text
   * @param target its reference translation
   */
  public record Shot(String source, String target) implements Serializable {}

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
