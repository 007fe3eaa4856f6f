package dev.mtforge.udfs.metrics;

import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.udfs.metrics.comet.CometManifest;
import dev.mtforge.udfs.metrics.comet.CometSpec;
import dev.mtforge.udfs.tokenize.Tokenizers;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What to compute, shipped to executors: a metric name and the settings that are not per
 * segment. The BLEU tokenizer may be {@code auto}: sacreBLEU's choice for the segment's target
 * language ({@code zh}, {@code ja-mecab}, else {@code 13a}).
 *
 * @param name {@code bleu}, {@code chrf}, {@code chrf++}, {@code ter}, {@code spbleu}, {@code comet}
 *     (a reference-based COMET package) or {@code cometkiwi} (a reference-free one)
 * @param tokenizer BLEU tokenizer name or {@code auto}; spBLEU always uses {@code flores200}
 * @param lowercase case-insensitive BLEU and chrF (TER is case-insensitive by default)
 * @param spmModel the flores200 SentencePiece model path (spBLEU only; must be readable on
 *     every executor)
 * @param comet the COMET package ({@code comet} and {@code cometkiwi} only, else null)
 */
public record MetricSpec(String name, String tokenizer, boolean lowercase, String spmModel, CometSpec comet)
    implements Serializable {

  /** The metric names a spec accepts. */
  public static final List<String> NAMES = List.of("bleu", "chrf", "chrf++", "ter", "spbleu", "comet", "cometkiwi");
  /** The names scored by a COMET model rather than from statistics of the text. */
  public static final List<String> COMET_NAMES = List.of("comet", "cometkiwi");
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
    boolean unified = "cometkiwi".equals(name);
    if (COMET_NAMES.contains(name) && comet == null) {
      throw new InvalidOptionException("Metric " + name + " needs a COMET package (option metrics.comet-model)");
    }
    if (comet != null && !COMET_NAMES.contains(name)) {
      throw new IllegalArgumentException("Metric " + name + " takes no COMET package");
    }
    if (comet != null && comet.manifest().unified() != unified) {
      throw new InvalidOptionException("Metric " + name + " needs a " + (unified ? "reference-free ("
          + CometManifest.UNIFIED : "reference-based (" + CometManifest.REGRESSION) + ") COMET package; "
          + comet.uri() + " is " + comet.manifest().modelClass() + " (use " + (unified ? "comet" : "cometkiwi") + ")");
    }
  }

  /** A spec without a COMET package (the sacreBLEU metrics). */
  public MetricSpec(String name, String tokenizer, boolean lowercase, String spmModel) {
    this(name, tokenizer, lowercase, spmModel, null);
  }

  /** A {@code comet} or {@code cometkiwi} spec for a package. */
  public static MetricSpec comet(String name, CometSpec comet) {
    return new MetricSpec(name, AUTO, false, null, comet);
  }

  /** Whether a COMET model computes this metric (it has no per-segment statistics of the text alone). */
  public boolean isComet() {
    return comet != null;
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
      case "comet" -> "COMET";
      case "cometkiwi" -> "CometKiwi";
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
      case "comet", "cometkiwi" -> new Comet(comet.manifest());
      default -> Ter.builder().build();
    };
  }
}
