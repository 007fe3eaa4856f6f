package dev.mtforge.udfs.tensor.safetensors;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The safetensors element types mtforge reads and writes. Values are little-endian; F16 and BF16
 * are converted to and from {@code float} by {@link HalfFloats} (Java 17 has no half type).
 */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The type named in a safetensors header ({@code "F32"}), if mtforge supports it. */
  public static Optional<DType> fromHeader(String name) {
    for (DType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** {@code F32, F16, BF16}: for error messages. */
  public static String known() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
