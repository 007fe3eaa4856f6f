package dev.mtforge.udfs.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Translates segments with one model session: builds prompts, sorts them by prompt length so a
 * batch holds similar lengths (little left padding), generates batch by batch with each row's
 * adapter, and reads the hypothesis as ALMA does. Returns outputs in input order.
 *
 * <pre>{@code
 * BatchTranslator t = new BatchTranslator(lm, session, PromptFormat.ALMA, settings, 16, adapters::load);
 * List<BatchTranslator.Output> out = t.translate(List.of(new BatchTranslator.Input("German", "English", "Hallo", null)));
 * }</pre>
 */
public final class BatchTranslator {
  private final CausalLm lm;
  private final StepModel session;
  private final PromptFormat format;
  private final GenerationSettings settings;
  private final int batchSize;
  private final Function<String, LoraAdapter> adapters;
  private long promptTokens;
  private long paddedPromptTokens;
  private long generatedTokens;

  /**
   * @param lm tokenizer and manifest
   * @param session forward passes (a {@link CausalLm.Session})
   * @param batchSize segments per forward batch (beam search multiplies rows by num_beams)
   * @param adapters adapter id to adapter (the caller caches); never called for null ids
   */
  public BatchTranslator(
      CausalLm lm,
      StepModel session,
      PromptFormat format,
      GenerationSettings settings,
      int batchSize,
      Function<String, LoraAdapter> adapters) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.lm = Objects.requireNonNull(lm, "lm");
    this.session = Objects.requireNonNull(session, "session");
    this.format = Objects.requireNonNull(format, "format");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.batchSize = batchSize;
    this.adapters = Objects.requireNonNull(adapters, "adapters");
  }

  /**
   * One segment to translate.
   *
   * @param sourceName English name of the source language
   * @param targetName English name of the target language
   * @param text the source segment
   * @param adapterId adapter to apply, or null for the base model
   * @param shots few-shot examples put in the prompt (empty: ALMA's zero-shot prompt)
   */
  public record Input(String sourceName, String targetName, String text, String adapterId, List<PromptFormat.Shot> shots) {
    public Input {
      shots = List.copyOf(shots);
    }

    /** A zero-shot input. */
    public Input(String sourceName, String targetName, String text, String adapterId) {
      this(sourceName, targetName, text, adapterId, List.of());
    }
  }

  /**
   * One translated segment.
   *
   * @param hypothesis read from the output by the prompt format (ALMA: its first non-empty line)
   * @param rawOutput the whole generated text
   * @param promptTokens prompt length in tokens
   * @param outputTokens generated tokens, EOS included
   * @param latencyMs wall time of the segment's batch divided by the batch's segments
   */
  public record Output(String hypothesis, String rawOutput, int promptTokens, int outputTokens, double latencyMs) {}

  /** Translates inputs, in batches of similar prompt length; outputs follow the input order. */
  public List<Output> translate(List<Input> inputs) {
    int n = inputs.size();
    long[][] prompts = new long[n][];
    for (int i = 0; i < n; i++) {
      Input in = inputs.get(i);
      prompts[i] = lm.encode(format.prompt(in.sourceName(), in.targetName(), in.text(), in.shots()));
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> prompts[i].length).reversed());
    Output[] outputs = new Output[n];
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      List<long[]> batch = new ArrayList<>(end - start);
      List<LoraAdapter> rowAdapters = new ArrayList<>(end - start);
      int width = 0;
      for (int k = start; k < end; k++) {
        Input in = inputs.get(order[k]);
        batch.add(prompts[order[k]]);
        rowAdapters.add(in.adapterId() == null ? null : adapters.apply(in.adapterId()));
        width = Math.max(width, prompts[order[k]].length);
      }
      long t0 = System.nanoTime();
      List<Generation> generations =
          Generator.generate(session, batch, new LoraBatch(lm.manifest(), rowAdapters), settings);
      double perSegmentMs = (System.nanoTime() - t0) / 1e6 / batch.size();
      for (int k = start; k < end; k++) {
        Generation g = generations.get(k - start);
        String raw = lm.decode(g.tokens());
        int promptLen = prompts[order[k]].length;
        promptTokens += promptLen;
        paddedPromptTokens += width;
        generatedTokens += g.outputTokens();
        outputs[order[k]] = new Output(format.hypothesis(raw), raw, promptLen, g.outputTokens(), perSegmentMs);
      }
    }
    return Arrays.asList(outputs);
  }

  /** Prompt tokens translated so far. */
  public long promptTokens() {
    return promptTokens;
  }

  /** Prompt positions fed so far, padding included. */
  public long paddedPromptTokens() {
    return paddedPromptTokens;
  }

  /** Tokens generated so far (EOS included). */
  public long generatedTokens() {
    return generatedTokens;
  }
}
