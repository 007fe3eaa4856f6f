package dev.mtforge.udfs.metrics;

import java.io.Serializable;

/**
 * A metric's score, printed the way sacreBLEU prints it.
 *
 * @param name the metric as sacreBLEU names it in output ({@code BLEU}, {@code chrF2++}, {@code TER})
 * @param score the score in [0, 100] (TER may exceed 100)
 * @param verbose the details sacreBLEU prints after the score (BLEU's precisions), or ""
 * @param mean the bootstrap mean, or -1 when no confidence interval was estimated
 * @param ci half the width of the bootstrap 95% interval, or -1
 */
public record Score(String name, double score, String verbose, double mean, double ci)
    implements Serializable {

  public Score {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Score name must not be empty");
    }
    verbose = verbose == null ? "" : verbose;
  }

  /** A score without details or confidence interval. */
  public static Score of(String name, double score) {
    return new Score(name, score, "", -1, -1);
  }

  /** This score with a bootstrap mean and confidence half-width. */
  public Score withConfidence(double mean, double ci) {
    return new Score(name, score, verbose, mean, ci);
  }

  /** Whether a confidence interval is attached (sacreBLEU tests {@code mean > 0}). */
  public boolean hasConfidence() {
    return mean > 0;
  }

  /** Only the number, {@code f"{score:.{width}f}"} plus the interval if any ({@code -b}). */
  public String formatScoreOnly(int width) {
    String sc = PythonFormat.fixed(score, width);
    if (hasConfidence()) {
      sc += " (" + confidence(width) + ")";
    }
    return sc;
  }

  /** sacreBLEU's text line: {@code BLEU|nrefs:1|... = 48.9 85.7/66.7/40.0/25.0 (BP = ...)}. */
  public String formatText(int width, String signature) {
    String line = (signature.isEmpty() ? name : name + "|" + signature) + " = " + formatScoreOnly(width);
    return verbose.isEmpty() ? line : line + " " + verbose;
  }

  /** sacreBLEU's {@code -f json} object, with its key order and one-space indentation. */
  public String formatJson(int width, String signature) {
    JsonLines json = new JsonLines();
    json.field("name", name);
    json.number("score", PythonFormat.reprOfDecimal(PythonFormat.fixed(score, width)));
    json.field("signature", signature);
    if (hasConfidence()) {
      json.number("confidence_mean", PythonFormat.reprOfDecimal(PythonFormat.fixed(mean, width)));
      json.number("confidence_var", PythonFormat.reprOfDecimal(PythonFormat.fixed(ci, width)));
      json.field("confidence", confidence(width));
    }
    if (!verbose.isEmpty()) {
      json.field("verbose_score", verbose);
    }
    if (!signature.isEmpty()) {
      for (String param : signature.split("\\|")) {
        int colon = param.indexOf(':');
        json.field(param.substring(0, colon), param.substring(colon + 1));
      }
    }
    return json.close();
  }

  private String confidence(int width) {
    return "μ = " + PythonFormat.fixed(mean, width) + " ± " + PythonFormat.fixed(ci, width);
  }

  @Override
  public String toString() {
    return formatText(2, "");
  }
}
