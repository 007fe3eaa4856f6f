package dev.mtforge.schemas.tables;

import dev.mtforge.schemas.InvalidOptionException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a system of the {@code systems} table was trained (the paper's post-training strategies),
 * or {@code external} for outputs made elsewhere and imported. The first six are also the
 * routing names of {@code translate}.
 */
public enum SystemStrategy {
  /** The base model, no adapter. */
  NONE,
  /** One adapter per language pair. */
  SEPARATE,
  /** One adapter per language group and direction. */
  GROUP,
  /** One adapter for every pair. */
  MULTILINGUAL,
  /** Direction-aware training: xx-en per language, en-xx per group. */
  DAT,
  /** DAT with the xx-en adapters TIES-merged per group. */
  DATM,
  /** Made elsewhere (a WMT submission, another team's run) and imported. */
  EXTERNAL;

  /** The value of the {@code strategy} column. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a label; an unknown one names the known ones. */
  public static SystemStrategy parse(String label) {
    String wanted = label == null ? "" : label.strip().toLowerCase(Locale.ROOT);
    for (SystemStrategy s : values()) {
      if (s.label().equals(wanted)) {
        return s;
      }
    }
    throw new InvalidOptionException("Unknown strategy '" + label + "'; known: "
        + Arrays.stream(values()).map(SystemStrategy::label).collect(Collectors.joining(", ")));
  }
}
