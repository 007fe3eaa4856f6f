package dev.mtforge.udfs.tensor.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HalfFloatsTest {

  // float32 bits, F16 bits, BF16 bits: from torch 1.13 (Debian python3-torch) `.half()` and
  // `.bfloat16()`, printed by udfs/src/test/python/safetensors_fixture.py.
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "0x00000000, 0x0000, 0x0000",
    "0x80000000, 0x8000, 0x8000",
    "0x3f800000, 0x3c00, 0x3f80",
    "0x3f802000, 0x3c01, 0x3f80",
    "0x3f801000, 0x3c00, 0x3f80",
    "0x3f803000, 0x3c02, 0x3f80",
    "0x477fe000, 0x7bff, 0x4780",
    "0x477ff000, 0x7c00, 0x4780",
    "0x477fef00, 0x7bff, 0x4780",
    "0x38800000, 0x0400, 0x3880",
    "0x33800000, 0x0001, 0x3380",
    "0x33000000, 0x0000, 0x3300",
    "0x33000001, 0x0001, 0x3300",
    "0x2edbe6ff, 0x0000, 0x2edc",
    "0xc0555555, 0xc2ab, 0xc055",
    "0x7e967699, 0x7c00, 0x7e96",
    "0x7f7fc99e, 0x7c00, 0x7f80",
    "0x7f800000, 0x7c00, 0x7f80",
    "0xff800000, 0xfc00, 0xff80",
    "0x3dcccccd, 0x2e66, 0x3dcd",
    "0x3f808000, 0x3c04, 0x3f80",
    "0x3f818000, 0x3c0c, 0x3f82",
  })
  void narrowsLikeTorch(String floatBits, String f16Bits, String bf16Bits) {
    float value = Float.intBitsToFloat(Integer.parseUnsignedInt(floatBits.substring(2), 16));
    assertThat(HalfFloats.floatToF16(value) & 0xffff).isEqualTo(Integer.parseInt(f16Bits.substring(2), 16));
    assertThat(HalfFloats.floatToBf16(value) & 0xffff).isEqualTo(Integer.parseInt(bf16Bits.substring(2), 16));
  }

  @ParameterizedTest(name = "f16 0x{0}")
  @CsvSource({"0000", "8000", "0001", "03ff", "0400", "3c00", "7bff", "c2ab", "7c00", "fc00", "2e66"})
  void halfWidensExactlyAndRoundTrips(String bits) {
    short half = (short) Integer.parseInt(bits, 16);
    assertThat(HalfFloats.floatToF16(HalfFloats.f16ToFloat(half))).isEqualTo(half);
    short bf = (short) Integer.parseInt(bits, 16);
    assertThat(HalfFloats.floatToBf16(HalfFloats.bf16ToFloat(bf))).isEqualTo(bf);
  }

  @org.junit.jupiter.api.Test
  void nanStaysNan() {
    assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))).isNaN();
    assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))).isNaN();
    assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo(5.960464477539063e-08f);
  }
}
