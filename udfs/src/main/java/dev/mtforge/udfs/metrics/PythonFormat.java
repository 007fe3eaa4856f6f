package dev.mtforge.udfs.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Python's float formatting, which sacreBLEU's printed scores depend on. {@code f"{x:.2f}"}
 * rounds the exact binary value half-to-even; {@code String.format("%.2f")} rounds the shortest
 * decimal string half-up, so it prints 0.125 as 0.13 and 2.675 as 2.68 where Python prints 0.12
 * and 2.67.
 */
public final class PythonFormat {

  private PythonFormat() {}

  /** {@code f"{value:.{decimals}f}"}. */
  public static String fixed(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String s = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    // BigDecimal has no negative zero; Python keeps the sign (-0.001 -> "-0.00")
    boolean negative = value < 0 || (value == 0 && 1 / value < 0);
    if (negative && !s.startsWith("-")) {
      s = "-" + s;
    }
    return s;
  }

  /** {@code repr(float(text))} for a decimal string such as {@code "48.90"}: {@code "48.9"}. */
  public static String reprOfDecimal(String text) {
    return repr(Double.parseDouble(text));
  }

  /**
   * {@code repr(value)}: the shortest string that reads back as the same double, in Python's
   * layout (plain between 1e-4 and 1e16, otherwise {@code 1.5e-05}).
   */
  public static String repr(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortest(value);
    double abs = Math.abs(value);
    if (abs >= 1e-4 && abs < 1e16) {
      String plain = shortest.stripTrailingZeros().toPlainString();
      return plain.indexOf('.') >= 0 ? plain : plain + ".0";
    }
    BigDecimal unscaled = shortest.stripTrailingZeros();
    String digits = unscaled.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - unscaled.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String sign = value < 0 ? "-" : "";
    String expSign = exponent < 0 ? "-" : "+";
    String expDigits = String.valueOf(Math.abs(exponent));
    if (expDigits.length() < 2) {
      expDigits = "0" + expDigits;
    }
    return sign + mantissa + "e" + expSign + expDigits;
  }

  /** The shortest decimal that rounds to {@code value} (Java 17's toString is not always shortest). */
  private static BigDecimal shortest(double value) {
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal candidate =
          new BigDecimal(value).round(new java.math.MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == value) {
        return candidate;
      }
    }
    return new BigDecimal(value);
  }
}
