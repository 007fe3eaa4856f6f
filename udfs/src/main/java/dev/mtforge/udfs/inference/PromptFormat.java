package dev.mtforge.udfs.inference;

import dev.mtforge.udfs.tokenize.PythonText;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * How a segment becomes a prompt, and how the generated text becomes a hypothesis. The named
 * formats ({@link PromptTemplates}) follow their models' own code:
 *
 * <ul>
 *   <li>{@link #ALMA} (fe1ixxu/ALMA {@code utils/utils.py get_prompt}):
 *       {@code Translate this from German to English:\nGerman: …\nEnglish:}, with ALMA's few-shot
 *       form ({@code German: …\nEnglish: …} per example between the instruction and the segment);
 *       the hypothesis is the first non-empty line of the output.
 *   <li>{@link #X_ALMA}: the ALMA prompt as one user turn of the LLaMA-2 chat template
 *       ({@code [INST] … [/INST]}; X-ALMA's README applies the tokenizer's chat template to it);
 *       same output rule.
 *   <li>{@link #LLAMAX} (CONE-MT/LLaMAX {@code scripts/inference}): the Alpaca
 *       {@code prompt_input} template with the instruction
 *       {@code Translate the following sentences from German to English.} and the stripped segment
 *       as input; the hypothesis is the text up to a next {@code ### Response:}, stripped, newlines
 *       turned into spaces, and cut to {@code <p>…</p>} when present (LLaMAX's {@code post_process}).
 *   <li>a user template ({@link #template(String, String)}) with the placeholders {@code {Src}},
 *       {@code {Tgt}} (English language names) and {@code {source}}; ALMA's output rule.
 * </ul>
 *
 * <p>The tokenizer adds BOS in front of every prompt, as the models' scripts do.
 *
 * @param name {@code alma}, {@code x-alma}, {@code llamax} or the template file as given
 * @param template the template text with placeholders; null for the ALMA prompts, which are built
 *     in code because of their few-shot form
 * @param chat wrap the prompt as a LLaMA-2 chat user turn ({@code [INST] … [/INST]})
 * @param output how the hypothesis is read from the generated text
 */
public record PromptFormat(String name, String template, boolean chat, Output output) implements Serializable {

  /** How a hypothesis is read from generated text. */
  public enum Output {
    /** ALMA: the first line that is not blank, trimmed. */
    FIRST_LINE,
    /** LLaMAX: up to a next {@code ### Response:}, stripped, one line, {@code <p>} contents. */
    ALPACA_RESPONSE
  }

  /** LLaMAX's Alpaca {@code prompt_input} with its translation instruction ({@code instruct_inf.txt}). */
  static final String LLAMAX_TEMPLATE =
      "Below is an instruction that describes a task, paired with an input that provides further context. "
          + "Write a response that appropriately completes the request.\n"
          + "### Instruction:\nTranslate the following sentences from {Src} to {Tgt}.\n"
          + "### Input:\n{source}\n### Response:";

  /** ALMA's plain prompt. */
  public static final PromptFormat ALMA = new PromptFormat("alma", null, false, Output.FIRST_LINE);
  /** X-ALMA's: the ALMA prompt as a LLaMA-2 chat turn. */
  public static final PromptFormat X_ALMA = new PromptFormat("x-alma", null, true, Output.FIRST_LINE);
  /** The same as {@link #X_ALMA} (the name it had before the template registry). */
  public static final PromptFormat ALMA_CHAT = X_ALMA;
  /** LLaMAX's Alpaca prompt. */
  public static final PromptFormat LLAMAX = new PromptFormat("llamax", LLAMAX_TEMPLATE, false, Output.ALPACA_RESPONSE);

  public PromptFormat {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(output, "output");
  }

  /**
   * A user template; see {@link PromptTemplates#parse} for the placeholder rules.
   *
   * @param name how the template is named in tables and logs (its file)
   * @param template the template text, placeholders checked
   */
  public static PromptFormat template(String name, String template) {
    return new PromptFormat(name, Objects.requireNonNull(template, "template"), false, Output.FIRST_LINE);
  }

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
   * Only the ALMA prompts have a few-shot form ({@link #supportsShots()}).
   *
   * @param shots translated examples of the same direction, in prompt order
   */
  public String prompt(String sourceName, String targetName, String source, List<Shot> shots) {
    if (template != null) {
      if (!shots.isEmpty()) {
        throw new IllegalArgumentException("Prompt format " + name + " has no few-shot form");
      }
      // LLaMAX strips each input line (Python's str.strip); a user template gets the segment as is.
      String text = output == Output.ALPACA_RESPONSE ? PythonText.strip(source) : source;
      String filled = PromptTemplates.fill(template, sourceName, targetName, text);
      return chat ? "[INST] " + filled + " [/INST]" : filled;
    }
    StringBuilder plain = new StringBuilder("Translate this from " + sourceName + " to " + targetName + ":");
    for (Shot shot : shots) {
      plain.append('\n').append(sourceName).append(": ").append(shot.source())
          .append('\n').append(targetName).append(": ").append(shot.target());
    }
    plain.append('\n').append(sourceName).append(": ").append(source).append('\n').append(targetName).append(':');
    // LLaMA-2's chat template for one user turn; the tokenizer adds <s> in front.
    return chat ? "[INST] " + plain + " [/INST]" : plain.toString();
  }

  /** True for the formats with a few-shot form (ALMA, X-ALMA). */
  public boolean supportsShots() {
    return template == null;
  }

  /** The hypothesis in the generated text (the prompt is not part of it), by this format's rule. */
  public String hypothesis(String generated) {
    return output == Output.FIRST_LINE ? firstLine(generated) : alpacaResponse(generated);
  }

  /**
   * What the format adds to the {@code decoding} column: nothing for ALMA, {@code :chat} for
   * X-ALMA, {@code :llamax}, or {@code :prompt-<first 8 hex of the template's SHA-256>}.
   */
  public String tag() {
    if (template == null) {
      return chat ? ":chat" : "";
    }
    return this.equals(LLAMAX) ? ":llamax" : ":prompt-" + sha256(template).substring(0, 8);
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

  /**
   * LLaMAX's {@code post_process} on the generated text: LLaMAX decodes prompt and output together
   * and takes what follows the prompt's {@code ### Response:} up to the next one; here the output
   * alone is given, so it is cut at its first {@code ### Response:}.
   */
  static String alpacaResponse(String generated) {
    int next = generated.indexOf("### Response:");
    String text = PythonText.strip(next < 0 ? generated : generated.substring(0, next)).replace("\n", " ");
    if (text.contains("</p>")) {
      text = text.substring(0, text.indexOf("</p>"));
      int open = text.lastIndexOf("<p>");
      text = open < 0 ? text : text.substring(open + 3);
    }
    return text;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
