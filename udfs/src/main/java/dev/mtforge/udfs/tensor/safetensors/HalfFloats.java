package dev.mtforge.udfs.tensor.safetensors;

/**
 * IEEE half (F16) and bfloat16 conversions by hand: {@code Float.float16ToFloat} only exists from
 * Java 20. Narrowing rounds to nearest, ties to even, as PyTorch's {@code .half()} and
 * {@code .bfloat16()} do; NaN stays NaN and infinities stay infinite.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** The float value of an IEEE 754 binary16 bit pattern. */
  public static float f16ToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal half: exact in float as mantissa * 2^-24.
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** The nearest binary16 (ties to even), with overflow to infinity. */
  public static short floatToF16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      // Keep NaN a (quiet) NaN even when its payload lives only in the low bits.
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign; // below half the smallest subnormal: rounds to zero
      }
      int full = mantissa | 0x800000;
      int shift = 14 - halfExponent;
      int result = full >>> shift;
      int remainder = full & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder == halfway && (result & 1) != 0)) {
        result++;
      }
      return (short) (sign | result);
    }
    int result = (halfExponent << 10) | (mantissa >>> 13);
    int remainder = mantissa & 0x1fff;
    if (remainder > 0x1000 || (remainder == 0x1000 && (result & 1) != 0)) {
      result++; // may carry into the exponent, which is the correct rounding (up to infinity)
    }
    return (short) (sign | result);
  }

  /** The float value of a bfloat16 bit pattern (the high half of a float). */
  public static float bf16ToFloat(short bf16) {
    return Float.intBitsToFloat((bf16 & 0xffff) << 16);
  }

  /** The nearest bfloat16 (ties to even). */
  public static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff) != 0) {
      return (short) ((bits >>> 16) | 0x40); // quiet NaN, whatever the payload
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
