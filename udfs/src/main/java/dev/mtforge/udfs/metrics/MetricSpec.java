package dev.mtforge.udfs.metrics;

import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.udfs.tokenize.Tokenizers;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What to compute, shipped to executors: a metric name and the settings that are not per
 * segment. The BLEU tokenizer may be {@code auto}: sacreBLEU's choice for the segment's target
 * language ({@code zh}, {@code ja-mecab}, else {@code 13a}).
 *
 * @param name {@code bleu}, {@code chrf}, {@code chrf++}, {@code ter} or {@code spbleu}
 * @param tokenizer BLEU tokenizer name or {@code auto}; spBLEU always uses {@code flores200}
 * @param lowercase case-insensitive BLEU and chrF (TER is case-insensitive by default)
 * @param spmModel the flores200 SentencePiece model path (spBLEU only; must be readable on
 *     every executor)
 */
public record MetricSpec(String name, String tokenizer, boolean lowercase, String spmModel)
    implements Serializable {

  /** The metric names a spec accepts. */
  public static final List<String> NAMES = List.of("bleu", "chrf", "chrf++", "ter", "spbleu");
  /** Tokenizer value that picks sacreBLEU's default per target language. */
  public static final String AUTO = "auto";

  public MetricSpec {
    name = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw new InvalidOptionException(
          "Unknown metric '" + name + "'; known: " + String.join(", ", NAMES));
    }
    tokenizer = tokenizer == null ? AUTO : tokenizer;
    if ("spbleu".equals(name) && (spmModel == null || spmModel.isBlank())) {
      throw new IllegalArgumentException(
          "Metric spbleu needs the flores200 SentencePiece model file (option metrics.spm-model)");
    }
  }

  /** A spec with the defaults: automatic tokenizer, mixed case. */
  public static MetricSpec of(String name) {
    return new MetricSpec(name, AUTO, false, null);
  }

  /** The metric column value: sacreBLEU's name ({@code BLEU}, {@code chrF2++}, ...) or spBLEU. */
  public String label() {
    return switch (name) {
      case "bleu" -> "BLEU";
      case "chrf" -> "chrF2";
      case "chrf++" -> "chrF2++";
      case "ter" -> "TER";
      default -> "spBLEU";
    };
  }

  /** The corpus-level metric for a target language. */
  public Metric corpus(String targetLanguage) {
    return build(targetLanguage, false);
  }

  /** The sentence-level metric (BLEU with effective order, as sacreBLEU's -sl). */
  public Metric sentence(String targetLanguage) {
    return build(targetLanguage, true);
  }

  private Metric build(String targetLanguage, boolean sentenceLevel) {
    return switch (name) {
      case "bleu", "spbleu" -> {
        String tok = "spbleu".equals(name) ? "flores200" : tokenizer;
        if (AUTO.equals(tok)) {
          tok = Tokenizers.defaultFor(targetLanguage);
        }
        yield Bleu.builder()
            .tokenizer(Tokenizers.create(tok, spmModel))
            .lowercase(lowercase)
            .effectiveOrder(sentenceLevel)
            .build();
      }
      case "chrf", "chrf++" ->
          Chrf.builder().wordOrder("chrf++".equals(name) ? 2 : 0).lowercase(lowercase).build();
      default -> Ter.builder().build();
    };
  }
}
