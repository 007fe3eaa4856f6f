package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.tokenize.PythonText;
import java.util.List;

/**
 * TER (Snover et al., 2006) as sacreBLEU 2.6 computes it, tercom-compatible by default.
 *
 * <p>Statistics per segment: {@code [edits, scaled reference length]}: the fewest edits over the
 * references, and the average reference length times {@link #LENGTH_SCALE}, so that averages of
 * 1 to 16 references stay exact integers and add up across segments (sacreBLEU keeps this average
 * as a float).
 */
public final class Ter implements Metric {
  private static final long serialVersionUID = 1L;

  /** lcm(1..16): average reference lengths are stored multiplied by it. */
  public static final long LENGTH_SCALE = 720720;

  private final boolean normalized;
  private final boolean noPunct;
  private final boolean asianSupport;
  private final boolean caseSensitive;
  private final TercomTokenizer tokenizer;

  private Ter(Builder b) {
    this.normalized = b.normalized;
    this.noPunct = b.noPunct;
    this.asianSupport = b.asianSupport;
    this.caseSensitive = b.caseSensitive;
    this.tokenizer = new TercomTokenizer(normalized, noPunct, asianSupport, caseSensitive);
  }

  /** A builder with sacreBLEU's (tercom's) defaults: case-insensitive, no normalization. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "TER";
  }

  @Override
  public int statsSize() {
    return 2;
  }

  private String[] words(String segment) {
    return PythonText.split(tokenizer.tokenize(PythonText.rstrip(segment))).toArray(new String[0]);
  }

  @Override
  public long[] segmentStats(String hypothesis, List<String> references) {
    String[] hyp = words(hypothesis);
    long best = 10_000_000_000_000_000L;
    long refLengths = 0;
    int numRefs = 0;
    for (String ref : references) {
      if (ref == null) {
        continue;
      }
      long[] r = TerAlgorithm.editRate(hyp, words(ref));
      refLengths += r[1];
      numRefs++;
      best = Math.min(best, r[0]);
    }
    if (numRefs == 0) {
      throw new IllegalArgumentException("TER needs at least one reference per segment");
    }
    if (LENGTH_SCALE % numRefs != 0) {
      throw new IllegalArgumentException(
          "TER supports up to 16 references per segment (and counts dividing 720720), got " + numRefs);
    }
    return new long[] {best, refLengths * (LENGTH_SCALE / numRefs)};
  }

  @Override
  public Score score(long[] stats) {
    if (stats.length != 2) {
      throw new IllegalArgumentException("TER statistics must have 2 values, got " + stats.length);
    }
    double edits = stats[0];
    double refLength = (double) stats[1] / LENGTH_SCALE;
    double score;
    if (refLength > 0) {
      score = edits / refLength;
    } else if (edits > 0) {
      score = 1.0;
    } else {
      score = 0.0;
    }
    return Score.of("TER", 100 * score);
  }

  @Override
  public double bootstrapScore(float[] stats) {
    float edits = stats[0];
    float refLength = stats[1];
    if (refLength > 0) {
      return 100f * (edits / refLength);
    }
    return edits > 0 ? 100.0 : 0.0;
  }

  @Override
  public boolean bootstrapScoresAreFloat32() {
    return true;
  }

  /** The float32 row sacreBLEU's bootstrap reads for a segment (average length as float). */
  @Override
  public float[] bootstrapStats(long[] stats) {
    return new float[] {(float) stats[0], (float) ((double) stats[1] / LENGTH_SCALE)};
  }

  @Override
  public Signature signature(int numRefs) {
    return new Signature(
        numRefs,
        List.of(
            new String[] {"case", caseSensitive ? "mixed" : "lc", "c"},
            new String[] {"tok", tokenizer.signature(), "t"},
            new String[] {"norm", normalized ? "yes" : "no", "nr"},
            new String[] {"punct", noPunct ? "no" : "yes", "pn"},
            new String[] {"asian", asianSupport ? "yes" : "no", "as"}));
  }

  /** Builds a {@link Ter}; every setting is optional. */
  public static final class Builder {
    private boolean normalized;
    private boolean noPunct;
    private boolean asianSupport;
    private boolean caseSensitive;

    private Builder() {}

    /** tercom's normalization ({@code --ter-normalized}). */
    public Builder normalized(boolean value) {
      this.normalized = value;
      return this;
    }

    /** Remove punctuation ({@code --ter-no-punct}). */
    public Builder noPunct(boolean value) {
      this.noPunct = value;
      return this;
    }

    /** Asian character handling ({@code --ter-asian-support}). */
    public Builder asianSupport(boolean value) {
      this.asianSupport = value;
      return this;
    }

    /** Keep case ({@code --ter-case-sensitive}). */
    public Builder caseSensitive(boolean value) {
      this.caseSensitive = value;
      return this;
    }

    public Ter build() {
      return new Ter(this);
    }
  }
}
