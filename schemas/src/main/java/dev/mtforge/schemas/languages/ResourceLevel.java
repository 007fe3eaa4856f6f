package dev.mtforge.schemas.languages;

import java.util.Locale;

/** How much training data a language has, as the paper classifies it (BRIEF.md). */
public enum ResourceLevel {
  HIGH,
  MID,
  LOW;

  /** Parses {@code High}, {@code mid}, {@code LOW} (any case). */
  public static ResourceLevel parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Unknown resource level '" + text + "'; known: High, Mid, Low", e);
    }
  }

  /** The spelling used in conf/ and in result tables: {@code High}, {@code Mid}, {@code Low}. */
  public String label() {
    String lower = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
