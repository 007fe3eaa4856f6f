package dev.mtforge.udfs.langid;

import dev.mtforge.schemas.InvalidOptionException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@link LanguageIdentifier} uses lingua: {@code high} (all n-gram sizes; slow, the most
 * accurate on short texts), {@code low} (trigrams only; several times faster, less accurate on
 * texts under ~120 characters) or {@code off} (no lingua: the script check alone).
 */
public enum LinguaAccuracy {
  HIGH,
  LOW,
  OFF;

  /** The option value: {@code high}, {@code low} or {@code off}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses an option value (case-insensitive) of option {@code key}. */
  public static LinguaAccuracy parse(String value, String key) {
    for (LinguaAccuracy a : values()) {
      if (a.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new InvalidOptionException("Invalid value '" + value + "' for " + key + "; known: "
        + Arrays.stream(values()).map(LinguaAccuracy::label).collect(Collectors.joining(", ")));
  }
}
