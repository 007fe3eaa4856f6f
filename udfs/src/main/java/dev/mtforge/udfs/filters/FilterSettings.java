package dev.mtforge.udfs.filters;

import dev.mtforge.udfs.langid.LanguageCheckSettings;
import java.io.Serializable;

/**
 * Thresholds of the training data filters.
 *
 * @param maxLengthRatio a pair whose longer side is more than this many times its shorter side is
 *     rejected ({@code length_ratio}); lengths are {@link PairFilters#weightedLength weighted}
 * @param minLengthForRatio the ratio is only checked when the longer side is at least this long,
 *     so that "Yes." / "Ja, gerne." survives
 * @param language when lingua may reject a side as another language ({@code wrong_language})
 */
public record FilterSettings(double maxLengthRatio, int minLengthForRatio, LanguageCheckSettings language)
    implements Serializable {
  /** Default of {@code prepare.max-length-ratio}. */
  public static final double MAX_LENGTH_RATIO_DEFAULT = 3.0;
  /** Default of {@code prepare.min-length-for-ratio}. */
  public static final int MIN_LENGTH_FOR_RATIO_DEFAULT = 20;

  /** Length-ratio thresholds with the default language check. */
  public FilterSettings(double maxLengthRatio, int minLengthForRatio) {
    this(maxLengthRatio, minLengthForRatio, LanguageCheckSettings.defaults());
  }

  public FilterSettings {
    java.util.Objects.requireNonNull(language, "language");
    if (!(maxLengthRatio >= 1.0)) {
      throw new IllegalArgumentException(
          "Invalid value " + maxLengthRatio + " for prepare.max-length-ratio: must be at least 1");
    }
    if (minLengthForRatio < 0) {
      throw new IllegalArgumentException(
          "Invalid value " + minLengthForRatio + " for prepare.min-length-for-ratio: must be 0 or more");
    }
  }

  public static FilterSettings defaults() {
    return new FilterSettings(MAX_LENGTH_RATIO_DEFAULT, MIN_LENGTH_FOR_RATIO_DEFAULT);
  }
}
