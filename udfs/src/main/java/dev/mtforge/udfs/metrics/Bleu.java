package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.tokenize.PythonText;
import dev.mtforge.udfs.tokenize.Tokenizer;
import dev.mtforge.udfs.tokenize.Tokenizers;
import dev.mtforge.udfs.tokenize.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BLEU (Papineni et al., 2002) with sacreBLEU 2.6's tokenizers, smoothing and statistics.
 *
 * <p>Statistics per segment: {@code [hyp_len, ref_len, correct_1..N, total_1..N]} with N the
 * maximum n-gram order (4), where {@code ref_len} is the reference length closest to the
 * hypothesis length (the shorter one on a tie) and matches are clipped by the maximum count of
 * each n-gram over the references.
 *
 * <pre>{@code
 * Bleu bleu = Bleu.builder().tokenizer(Tokenizers.create("zh")).lowercase().build();
 * }</pre>
 */
public final class Bleu implements Metric {
  private static final long serialVersionUID = 1L;

  /** Exponential decay smoothing (mteval-v13a's, Chen and Cherry method 3), the default. */
  public static final String SMOOTH_EXP = "exp";
  /** Floor smoothing (method 1): a zero match count counts as {@code smooth-value} (0.1). */
  public static final String SMOOTH_FLOOR = "floor";
  /** Add-k smoothing (method 2): adds {@code smooth-value} (1) to counts of orders above 1. */
  public static final String SMOOTH_ADD_K = "add-k";
  /** No smoothing. */
  public static final String SMOOTH_NONE = "none";
  /** The smoothing methods, in sacreBLEU's order. */
  public static final List<String> SMOOTH_METHODS =
      List.of(SMOOTH_NONE, SMOOTH_FLOOR, SMOOTH_ADD_K, SMOOTH_EXP);
  /** The default maximum n-gram order. */
  public static final int MAX_NGRAM_ORDER_DEFAULT = 4;

  private final Tokenizer tokenizer;
  private final boolean lowercase;
  private final String smoothMethod;
  private final Double smoothValue;
  private final int maxOrder;
  private final boolean effectiveOrder;

  private Bleu(Builder b) {
    this.tokenizer = b.tokenizer;
    this.lowercase = b.lowercase;
    this.smoothMethod = b.smoothMethod;
    this.smoothValue = b.smoothValue;
    this.maxOrder = b.maxOrder;
    this.effectiveOrder = b.effectiveOrder;
  }

  /** A builder with sacreBLEU's defaults: 13a, mixed case, exp smoothing, order 4. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "BLEU";
  }

  @Override
  public int statsSize() {
    return 2 + 2 * maxOrder;
  }

  /** The tokenizer this BLEU applies. */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** Lower-cases (optionally), strips trailing whitespace and tokenizes, as sacreBLEU does. */
  public String preprocess(String segment) {
    return tokenizer.tokenize(normalize(segment));
  }

  @Override
  public long[] segmentStats(String hypothesis, List<String> references) {
    if (maxOrder <= ClippedNgramMatches.MAX_ORDER) {
      long[] fast = packedStats(hypothesis, references);
      if (fast != null) {
        return fast;
      }
    }
    List<String> hypTokens = PythonText.split(preprocess(hypothesis));
    List<List<String>> refTokens = new ArrayList<>(references.size());
    for (String ref : references) {
      if (ref != null) {
        refTokens.add(PythonText.split(preprocess(ref)));
      }
    }
    return stringStats(hypTokens, refTokens);
  }

  /**
   * The statistics with packed n-gram keys; null when the segment's vocabulary is too large. The
   * references' tokens get ids first; the hypothesis' tokens are only looked up (one no reference
   * has cannot match, so it needs no id).
   */
  private long[] packedStats(String hypothesis, List<String> references) {
    Scratch scratch = SCRATCH.get();
    SegmentVocab vocab = scratch.vocab;
    Tokens hypTokens = scratch.hypTokens;
    Tokens tokens = scratch.tokens;
    ClippedNgramMatches matches = scratch.matches;
    vocab.clear();
    matches.clear();
    hypTokens.clear();
    tokenizer.tokenize(normalize(hypothesis), hypTokens);
    int hypLen = hypTokens.size();
    int closestDiff = -1;
    int closestLen = -1;
    int ref = 0;
    for (String reference : references) {
      if (reference == null) {
        continue;
      }
      tokens.clear();
      tokenizer.tokenize(normalize(reference), tokens);
      int refLen = tokens.size();
      int[] ids = scratch.refIds = vocab.ids(tokens, scratch.refIds);
      if (vocab.size() > ClippedNgramMatches.MAX_VOCAB) {
        return null;
      }
      matches.addReference(ids, refLen, ref++, maxOrder);
      // the closest reference length; the shorter one on a tie (closestRefLength's rule)
      int diff = Math.abs(hypLen - refLen);
      if (closestDiff == -1 || diff < closestDiff || (diff == closestDiff && refLen < closestLen)) {
        closestDiff = diff;
        closestLen = refLen;
      }
    }
    int[] hypIds = scratch.hypIds = vocab.known(hypTokens, scratch.hypIds);
    long[] stats = new long[statsSize()];
    stats[0] = hypLen;
    stats[1] = closestLen;
    matches.countHypothesis(hypIds, hypLen, maxOrder, stats);
    return stats;
  }

  /** Lower-cases (optionally) and strips trailing whitespace, as sacreBLEU before tokenizing. */
  private String normalize(String segment) {
    return PythonText.rstrip(lowercase ? PythonText.lower(segment) : segment);
  }

  /** Per-thread buffers of the packed path, reused across segments. */
  private static final class Scratch {
    final SegmentVocab vocab = new SegmentVocab();
    final Tokens hypTokens = new Tokens();
    final Tokens tokens = new Tokens();
    final ClippedNgramMatches matches = new ClippedNgramMatches();
    int[] hypIds = new int[64];
    int[] refIds = new int[64];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** The statistics with n-grams keyed by their text, as sacreBLEU keys them. */
  private long[] stringStats(List<String> hypTokens, List<List<String>> refTokens) {
    Map<String, Integer> refNgrams = null;
    List<Integer> refLens = new ArrayList<>(refTokens.size());
    for (List<String> tokens : refTokens) {
      refLens.add(tokens.size());
      Map<String, Integer> ngrams = NgramCounts.words(tokens, 1, maxOrder);
      if (refNgrams == null) {
        refNgrams = ngrams;
      } else {
        for (Map.Entry<String, Integer> e : ngrams.entrySet()) {
          refNgrams.merge(e.getKey(), e.getValue(), Math::max);
        }
      }
    }
    if (refNgrams == null) {
      refNgrams = Map.of();
    }
    int hypLen = hypTokens.size();
    long[] stats = new long[statsSize()];
    stats[0] = hypLen;
    stats[1] = closestRefLength(hypLen, refLens);
    for (Map.Entry<String, Integer> e : NgramCounts.words(hypTokens, 1, maxOrder).entrySet()) {
      int order = countSpaces(e.getKey());
      int count = e.getValue();
      stats[2 + maxOrder + order] += count;
      Integer refCount = refNgrams.get(e.getKey());
      if (refCount != null) {
        stats[2 + order] += Math.min(count, refCount);
      }
    }
    return stats;
  }

  /** The closest reference length; on a tie the shorter one (sacreBLEU's rule); -1 if none. */
  static int closestRefLength(int hypLen, List<Integer> refLens) {
    int closestDiff = -1;
    int closestLen = -1;
    for (int refLen : refLens) {
      int diff = Math.abs(hypLen - refLen);
      if (closestDiff == -1 || diff < closestDiff) {
        closestDiff = diff;
        closestLen = refLen;
      } else if (diff == closestDiff && refLen < closestLen) {
        closestLen = refLen;
      }
    }
    return closestLen;
  }

  private static int countSpaces(String key) {
    int n = 0;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == ' ') {
        n++;
      }
    }
    return n;
  }

  @Override
  public Score score(long[] stats) {
    return details(stats).toScore();
  }

  /** The score with its intermediate values (precisions, brevity penalty, lengths). */
  public BleuScore details(long[] stats) {
    if (stats.length != statsSize()) {
      throw new IllegalArgumentException(
          "BLEU statistics must have " + statsSize() + " values, got " + stats.length);
    }
    long sysLen = stats[0];
    long refLen = stats[1];
    double[] correct = new double[maxOrder];
    double[] total = new double[maxOrder];
    boolean anyCorrect = false;
    for (int n = 0; n < maxOrder; n++) {
      correct[n] = stats[2 + n];
      total[n] = stats[2 + maxOrder + n];
      anyCorrect |= correct[n] != 0;
    }
    double smooth = smoothValue != null ? smoothValue : defaultSmoothValue(smoothMethod);
    double bp = 1.0;
    if (sysLen < refLen) {
      bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
    }
    double[] precisions = new double[maxOrder];
    if (!anyCorrect) {
      return new BleuScore(0.0, precisions, bp, sysLen, refLen);
    }
    double smoothMteval = 1.0;
    int effOrder = maxOrder;
    for (int n = 1; n <= maxOrder; n++) {
      if (SMOOTH_ADD_K.equals(smoothMethod) && n > 1) {
        correct[n - 1] += smooth;
        total[n - 1] += smooth;
      }
      if (total[n - 1] == 0) {
        break;
      }
      if (effectiveOrder) {
        effOrder = n;
      }
      if (correct[n - 1] == 0) {
        if (SMOOTH_EXP.equals(smoothMethod)) {
          smoothMteval *= 2;
          precisions[n - 1] = 100. / (smoothMteval * total[n - 1]);
        } else if (SMOOTH_FLOOR.equals(smoothMethod)) {
          precisions[n - 1] = 100. * smooth / total[n - 1];
        }
      } else {
        precisions[n - 1] = 100. * correct[n - 1] / total[n - 1];
      }
    }
    double logSum = 0;
    for (int n = 0; n < effOrder; n++) {
      // sacreBLEU's my_log floors log(0) at -9999999999 instead of -inf
      logSum += precisions[n] == 0.0 ? -9999999999.0 : Math.log(precisions[n]);
    }
    double score = bp * Math.exp(logSum / effOrder);
    return new BleuScore(score, precisions, bp, sysLen, refLen);
  }

  @Override
  public double bootstrapScore(float[] stats) {
    long sysLen = (long) stats[0];
    long refLen = (long) stats[1];
    float[] correct = new float[maxOrder];
    float[] total = new float[maxOrder];
    boolean anyCorrect = false;
    for (int n = 0; n < maxOrder; n++) {
      correct[n] = stats[2 + n];
      total[n] = stats[2 + maxOrder + n];
      anyCorrect |= correct[n] != 0;
    }
    double smooth = smoothValue != null ? smoothValue : defaultSmoothValue(smoothMethod);
    double bp = 1.0;
    if (sysLen < refLen) {
      bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
    }
    if (!anyCorrect) {
      return 0.0;
    }
    // precisions are numpy float32 scalars here; Python floats mixed in are cast to float32
    double[] precisions = new double[maxOrder];
    double smoothMteval = 1.0;
    int effOrder = maxOrder;
    for (int n = 1; n <= maxOrder; n++) {
      if (SMOOTH_ADD_K.equals(smoothMethod) && n > 1) {
        correct[n - 1] += (float) smooth;
        total[n - 1] += (float) smooth;
      }
      if (total[n - 1] == 0) {
        break;
      }
      if (effectiveOrder) {
        effOrder = n;
      }
      if (correct[n - 1] == 0) {
        if (SMOOTH_EXP.equals(smoothMethod)) {
          smoothMteval *= 2;
          precisions[n - 1] = 100f / ((float) smoothMteval * total[n - 1]);
        } else if (SMOOTH_FLOOR.equals(smoothMethod)) {
          precisions[n - 1] = (float) (100. * smooth) / total[n - 1];
        }
      } else {
        precisions[n - 1] = 100f * correct[n - 1] / total[n - 1];
      }
    }
    double logSum = 0;
    for (int n = 0; n < effOrder; n++) {
      logSum += precisions[n] == 0.0 ? -9999999999.0 : Math.log(precisions[n]);
    }
    return bp * Math.exp(logSum / effOrder);
  }

  @Override
  public boolean bootstrapScoresAreFloat32() {
    return false;
  }

  private static double defaultSmoothValue(String method) {
    return switch (method) {
      case SMOOTH_FLOOR -> 0.1;
      case SMOOTH_ADD_K -> 1;
      default -> 0;
    };
  }

  @Override
  public Signature signature(int numRefs) {
    String smooth = smoothMethod;
    if (SMOOTH_FLOOR.equals(smoothMethod) || SMOOTH_ADD_K.equals(smoothMethod)) {
      double v = smoothValue != null ? smoothValue : defaultSmoothValue(smoothMethod);
      smooth += "[" + PythonFormat.fixed(v, 2) + "]";
    }
    return new Signature(
        numRefs,
        List.of(
            new String[] {"case", lowercase ? "lc" : "mixed", "c"},
            new String[] {"eff", effectiveOrder ? "yes" : "no", "e"},
            new String[] {"tok", tokenizer.signature(), "tok"},
            new String[] {"smooth", smooth, "s"}));
  }

  /**
   * BLEU's score with its parts.
   *
   * @param score the BLEU score
   * @param precisions the (smoothed) n-gram precisions, in percent
   * @param bp the brevity penalty
   * @param sysLen the hypothesis length in tokens
   * @param refLen the effective reference length in tokens
   */
  public record BleuScore(double score, double[] precisions, double bp, long sysLen, long refLen) {

    /** {@code sys_len / ref_len}, or 0 without reference tokens. */
    public double ratio() {
      return refLen != 0 ? (double) sysLen / refLen : 0;
    }

    /** sacreBLEU's verbose part: {@code 85.7/66.7/40.0/25.0 (BP = 1.000 ratio = ... ref_len = 7)}. */
    public String verbose() {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < precisions.length; i++) {
        out.append(i > 0 ? "/" : "").append(PythonFormat.fixed(precisions[i], 1));
      }
      return out.append(" (BP = ")
          .append(PythonFormat.fixed(bp, 3))
          .append(" ratio = ")
          .append(PythonFormat.fixed(ratio(), 3))
          .append(" hyp_len = ")
          .append(sysLen)
          .append(" ref_len = ")
          .append(refLen)
          .append(')')
          .toString();
    }

    /** As a generic {@link Score}. */
    public Score toScore() {
      return new Score("BLEU", score, verbose(), -1, -1);
    }
  }

  /** Builds a {@link Bleu}; every setting is optional. */
  public static final class Builder {
    private Tokenizer tokenizer = Tokenizers.create(Tokenizers.DEFAULT);
    private boolean lowercase;
    private String smoothMethod = SMOOTH_EXP;
    private Double smoothValue;
    private int maxOrder = MAX_NGRAM_ORDER_DEFAULT;
    private boolean effectiveOrder;

    private Builder() {}

    /** The tokenizer (default {@code 13a}). */
    public Builder tokenizer(Tokenizer value) {
      this.tokenizer = value;
      return this;
    }

    /** Case-insensitive BLEU ({@code -lc}). */
    public Builder lowercase() {
      this.lowercase = true;
      return this;
    }

    /** Sets case-insensitivity from a flag. */
    public Builder lowercase(boolean value) {
      this.lowercase = value;
      return this;
    }

    /** One of {@link #SMOOTH_METHODS}. */
    public Builder smoothMethod(String value) {
      String v = value.toLowerCase(Locale.ROOT);
      if (!SMOOTH_METHODS.contains(v)) {
        throw new IllegalArgumentException(
            "Unknown BLEU smoothing method '" + value + "'; known: " + String.join(", ", SMOOTH_METHODS));
      }
      this.smoothMethod = v;
      return this;
    }

    /** The value for {@code floor} and {@code add-k}; null for the method's default. */
    public Builder smoothValue(Double value) {
      this.smoothValue = value;
      return this;
    }

    /** The maximum n-gram order (default 4). */
    public Builder maxNgramOrder(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("BLEU max n-gram order must be >= 1, got " + value);
      }
      this.maxOrder = value;
      return this;
    }

    /** Effective order: skip orders without n-grams (sentence-level BLEU turns it on). */
    public Builder effectiveOrder(boolean value) {
      this.effectiveOrder = value;
      return this;
    }

    public Bleu build() {
      return new Bleu(this);
    }
  }
}
