package dev.mtforge.schemas;

import java.util.Locale;
import java.util.Map;

/**
 * Typed values of a job's options (the {@code key=value} map that the CLI and job configs build):
 * one parser per kind, each refusing a bad value with an {@link InvalidOptionException} that names
 * the option and the value. A missing key gives the fallback; surrounding blanks are ignored.
 *
 * <pre>{@code int beams = OptionValues.positiveInt(options, "inference.num-beams", 5);}</pre>
 */
public final class OptionValues {
  private OptionValues() {}

  /** Any finite number. */
  public static double number(Map<String, String> options, String key, double fallback) {
    String value = options.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      double n = Double.parseDouble(value.strip());
      if (Double.isFinite(n)) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, value, "a number");
  }

  /** Any whole number in {@code long}'s range (a seed): parsed exactly, never through a double. */
  public static long integer(Map<String, String> options, String key, long fallback) {
    String value = options.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw invalid(key, value, "an integer");
    }
  }

  /** A whole number of at least 1. */
  public static int positiveInt(Map<String, String> options, String key, int fallback) {
    return intAtLeast(options, key, fallback, 1, "a positive integer");
  }

  /** A whole number of at least 0. */
  public static int nonNegativeInt(Map<String, String> options, String key, int fallback) {
    return intAtLeast(options, key, fallback, 0, "a non-negative integer");
  }

  /** {@code true} or {@code false}, in any case. */
  public static boolean bool(Map<String, String> options, String key, boolean fallback) {
    String value = options.get(key);
    if (value == null) {
      return fallback;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, value, "true or false");
    };
  }

  private static int intAtLeast(Map<String, String> options, String key, int fallback, int min, String what) {
    String value = options.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, value, what);
  }

  private static InvalidOptionException invalid(String key, String value, String what) {
    return new InvalidOptionException("Option " + key + " must be " + what + ", got '" + value + "'");
  }
}
