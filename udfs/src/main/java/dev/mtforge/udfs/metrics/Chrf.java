package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.tokenize.PythonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * chrF and chrF++ (Popović, 2015 and 2017) as sacreBLEU 2.6 computes them.
 *
 * <p>Statistics per segment: for each character order 1..{@code char-order}, then each word order
 * 1..{@code word-order}, the triple {@code [hyp n-grams, ref n-grams, matches]}. With several
 * references, the segment keeps the statistics of the first reference with the best sentence
 * chrF, so reference order matters, as in sacreBLEU.
 */
public final class Chrf implements Metric {
  private static final long serialVersionUID = 1L;

  /** Default character n-gram order. */
  public static final int CHAR_ORDER_DEFAULT = 6;
  /** Default word n-gram order (0 = chrF; 2 = chrF++). */
  public static final int WORD_ORDER_DEFAULT = 0;
  /** Default recall weight. */
  public static final int BETA_DEFAULT = 2;

  private static final String PUNCTS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private final int charOrder;
  private final int wordOrder;
  private final int beta;
  private final boolean lowercase;
  private final boolean whitespace;
  private final boolean epsSmoothing;

  private Chrf(Builder b) {
    this.charOrder = b.charOrder;
    this.wordOrder = b.wordOrder;
    this.beta = b.beta;
    this.lowercase = b.lowercase;
    this.whitespace = b.whitespace;
    this.epsSmoothing = b.epsSmoothing;
  }

  /** A builder with sacreBLEU's defaults: chrF2, character order 6, no word n-grams. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "chrF" + beta + "+".repeat(wordOrder);
  }

  @Override
  public int statsSize() {
    return 3 * (charOrder + wordOrder);
  }

  @Override
  public long[] segmentStats(String hypothesis, List<String> references) {
    String hyp = preprocess(hypothesis);
    List<String> refs = new ArrayList<>(references.size());
    for (String ref : references) {
      if (ref != null) {
        refs.add(preprocess(ref));
      }
    }
    if (refs.isEmpty()) {
      return new long[statsSize()];
    }
    // character orders: packed keys when the segment's alphabet is small enough, else strings
    long[][] charStats = charOrder == 0 ? null : PackedChars.stats(hyp, refs, charOrder, !whitespace);
    if (charStats != null && wordOrder == 0 && refs.size() == 1) {
      return charStats[0];
    }
    List<Map<String, Integer>> hypWords = wordNgrams(hyp);
    List<Map<String, Integer>> hypChars = charStats == null ? charNgrams(hyp) : null;
    long[] best = null;
    double bestF = -1.0;
    for (int k = 0; k < refs.size(); k++) {
      long[] stats = new long[statsSize()];
      if (charStats != null) {
        System.arraycopy(charStats[k], 0, stats, 0, 3 * charOrder);
      } else {
        match(hypChars, charNgrams(refs.get(k)), stats, 0);
      }
      if (wordOrder > 0) {
        match(hypWords, wordNgrams(refs.get(k)), stats, charOrder);
      }
      double f = fScore(stats);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    return best;
  }

  /** Fills the triples of orders {@code first..} from n-gram counters, as sacreBLEU does. */
  private static void match(List<Map<String, Integer>> hyp, List<Map<String, Integer>> ref, long[] stats, int first) {
    for (int i = 0; i < hyp.size(); i++) {
      Map<String, Integer> h = hyp.get(i);
      Map<String, Integer> r = ref.get(i);
      long hypCount = 0;
      long match = 0;
      for (Map.Entry<String, Integer> e : h.entrySet()) {
        hypCount += e.getValue();
        Integer rc = r.get(e.getKey());
        if (rc != null) {
          match += Math.min(e.getValue(), rc);
        }
      }
      int o = 3 * (first + i);
      // sacreBLEU counts no hypothesis n-grams for an order the reference lacks entirely
      stats[o] = r.isEmpty() ? 0 : hypCount;
      stats[o + 1] = NgramCounts.total(r);
      stats[o + 2] = match;
    }
  }

  private String charText(String line) {
    return whitespace ? line : PythonText.removeSpace(line);
  }

  private List<Map<String, Integer>> charNgrams(String line) {
    List<Map<String, Integer>> out = new ArrayList<>(charOrder);
    String chars = charText(line);
    int[] offsets = NgramCounts.codePointOffsets(chars);
    for (int n = 1; n <= charOrder; n++) {
      out.add(NgramCounts.chars(chars, offsets, n));
    }
    return out;
  }

  private List<Map<String, Integer>> wordNgrams(String line) {
    List<Map<String, Integer>> out = new ArrayList<>(wordOrder);
    if (wordOrder > 0) {
      List<String> words = separatePunctuation(line);
      for (int n = 1; n <= wordOrder; n++) {
        out.add(NgramCounts.words(words, n, n));
      }
    }
    return out;
  }

  private String preprocess(String segment) {
    return lowercase ? PythonText.lower(segment) : segment;
  }

  /** Splits one ASCII punctuation mark off the end, or else the start, of each word. */
  static List<String> separatePunctuation(String line) {
    List<String> out = new ArrayList<>();
    for (String w : PythonText.split(line)) {
      int first = w.codePointAt(0);
      int last = w.codePointBefore(w.length());
      if (w.length() == Character.charCount(first)) {
        out.add(w);
      } else if (PUNCTS.indexOf(last) >= 0) {
        out.add(w.substring(0, w.length() - 1));
        out.add(w.substring(w.length() - 1));
      } else if (PUNCTS.indexOf(first) >= 0) {
        out.add(w.substring(0, 1));
        out.add(w.substring(1));
      } else {
        out.add(w);
      }
    }
    return out;
  }

  /** The chrF of statistics, in [0, 100]. */
  double fScore(long[] stats) {
    final double eps = 1e-16;
    double score = 0.0;
    int effective = 0;
    double factor = (double) beta * beta;
    double avgPrec = 0.0;
    double avgRec = 0.0;
    int order = charOrder + wordOrder;
    for (int i = 0; i < order; i++) {
      long nHyp = stats[3 * i];
      long nRef = stats[3 * i + 1];
      long nMatch = stats[3 * i + 2];
      double prec = nHyp > 0 ? (double) nMatch / nHyp : eps;
      double rec = nRef > 0 ? (double) nMatch / nRef : eps;
      double denom = factor * prec + rec;
      score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        effective++;
      }
    }
    if (epsSmoothing) {
      return 100 * score / order;
    }
    if (effective == 0) {
      avgPrec = 0.0;
      avgRec = 0.0;
    } else {
      avgPrec /= effective;
      avgRec /= effective;
    }
    if (avgPrec + avgRec != 0) {
      double f = (1 + factor) * avgPrec * avgRec;
      f /= (factor * avgPrec) + avgRec;
      return 100 * f;
    }
    return 0.0;
  }

  @Override
  public double bootstrapScore(float[] stats) {
    // sacreBLEU's _compute_f_score on numpy float32 scalars: every operation that touches one
    // is a float32 operation (NumPy 2 casts the Python floats and ints it meets to float32)
    final double eps = 1e-16;
    Mixed score = Mixed.f64(0.0);
    int effective = 0;
    float factor = (float) beta * beta;
    float avgPrec = 0f;
    float avgRec = 0f;
    int order = charOrder + wordOrder;
    for (int i = 0; i < order; i++) {
      float nHyp = stats[3 * i];
      float nRef = stats[3 * i + 1];
      float nMatch = stats[3 * i + 2];
      Mixed prec = nHyp > 0 ? Mixed.f32(nMatch / nHyp) : Mixed.f64(eps);
      Mixed rec = nRef > 0 ? Mixed.f32(nMatch / nRef) : Mixed.f64(eps);
      Mixed denom = prec.times(factor).plus(rec);
      Mixed term =
          denom.value() > 0 ? prec.times(1 + factor).times(rec).div(denom) : Mixed.f64(eps);
      score = score.plus(term);
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec.floatValue();
        avgRec += rec.floatValue();
        effective++;
      }
    }
    if (epsSmoothing) {
      return score.times(100).div(Mixed.f64(order)).value();
    }
    if (effective == 0) {
      return 0.0;
    }
    avgPrec /= effective;
    avgRec /= effective;
    if (avgPrec + avgRec != 0) {
      float f = (1 + factor) * avgPrec * avgRec;
      f /= (factor * avgPrec) + avgRec;
      return 100f * f;
    }
    return 0.0;
  }

  @Override
  public boolean bootstrapScoresAreFloat32() {
    return true;
  }

  /** A number that is a NumPy float32 scalar or a Python float, combined by NumPy 2's rules. */
  private record Mixed(double value, boolean isFloat32) {
    static Mixed f32(float v) {
      return new Mixed(v, true);
    }

    static Mixed f64(double v) {
      return new Mixed(v, false);
    }

    float floatValue() {
      return (float) value;
    }

    Mixed plus(Mixed o) {
      return isFloat32 || o.isFloat32
          ? f32((float) value + (float) o.value)
          : f64(value + o.value);
    }

    Mixed times(double pythonScalar) {
      return isFloat32 ? f32((float) value * (float) pythonScalar) : f64(value * pythonScalar);
    }

    Mixed times(Mixed o) {
      return isFloat32 || o.isFloat32
          ? f32((float) value * (float) o.value)
          : f64(value * o.value);
    }

    Mixed div(Mixed o) {
      return isFloat32 || o.isFloat32
          ? f32((float) value / (float) o.value)
          : f64(value / o.value);
    }
  }

  @Override
  public Score score(long[] stats) {
    if (stats.length != statsSize()) {
      throw new IllegalArgumentException(
          name() + " statistics must have " + statsSize() + " values, got " + stats.length);
    }
    return Score.of(name(), fScore(stats));
  }

  @Override
  public Signature signature(int numRefs) {
    return new Signature(
        numRefs,
        List.of(
            new String[] {"case", lowercase ? "lc" : "mixed", "c"},
            new String[] {"eff", epsSmoothing ? "no" : "yes", "e"},
            new String[] {"nc", Integer.toString(charOrder), "nc"},
            new String[] {"nw", Integer.toString(wordOrder), "nw"},
            new String[] {"space", whitespace ? "yes" : "no", "s"}));
  }

  /** Builds a {@link Chrf}; every setting is optional. */
  public static final class Builder {
    private int charOrder = CHAR_ORDER_DEFAULT;
    private int wordOrder = WORD_ORDER_DEFAULT;
    private int beta = BETA_DEFAULT;
    private boolean lowercase;
    private boolean whitespace;
    private boolean epsSmoothing;

    private Builder() {}

    /** Character n-gram order ({@code --chrf-char-order}, default 6). */
    public Builder charOrder(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("chrF character order must be >= 0, got " + value);
      }
      this.charOrder = value;
      return this;
    }

    /** Word n-gram order ({@code --chrf-word-order}; 2 gives chrF++). */
    public Builder wordOrder(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("chrF word order must be >= 0, got " + value);
      }
      this.wordOrder = value;
      return this;
    }

    /** Recall weight ({@code --chrf-beta}, default 2). */
    public Builder beta(int value) {
      this.beta = value;
      return this;
    }

    /** Case-insensitive chrF ({@code --chrf-lowercase}). */
    public Builder lowercase(boolean value) {
      this.lowercase = value;
      return this;
    }

    /** Keep whitespace in character n-grams ({@code --chrf-whitespace}). */
    public Builder whitespace(boolean value) {
      this.whitespace = value;
      return this;
    }

    /** Epsilon smoothing as chrF++.py/NLTK/Moses ({@code --chrf-eps-smoothing}). */
    public Builder epsSmoothing(boolean value) {
      this.epsSmoothing = value;
      return this;
    }

    public Chrf build() {
      if (charOrder + wordOrder == 0) {
        throw new IllegalArgumentException("chrF needs a character or word order above 0");
      }
      return new Chrf(this);
    }
  }
}
