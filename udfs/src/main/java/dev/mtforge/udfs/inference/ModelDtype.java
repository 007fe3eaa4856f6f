package dev.mtforge.udfs.inference;

import ai.djl.ndarray.types.DataType;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.safetensors.HalfFloats;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The element type of a package's weights, KV cache and LoRA factor inputs ({@code dtype} in the
 * manifest). Log-probabilities, masks and scales are float32 in every package.
 */
public enum ModelDtype {
  FLOAT32("float32", DataType.FLOAT32, 4),
  FLOAT16("float16", DataType.FLOAT16, 2),
  BFLOAT16("bfloat16", DataType.BFLOAT16, 2);

  private final String label;
  private final DataType djl;
  private final int bytes;

  ModelDtype(String label, DataType djl, int bytes) {
    this.label = label;
    this.djl = djl;
    this.bytes = bytes;
  }

  /** The manifest's spelling. */
  public static ModelDtype parse(String value, String file) {
    for (ModelDtype t : values()) {
      if (t.label.equals(value.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new InvalidInputException(
        file + ": dtype '" + value + "' is not one of float32, float16, bfloat16", file, null);
  }

  public String label() {
    return label;
  }

  public DataType dataType() {
    return djl;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** Writes a value at a byte index, rounded to this type (nearest, ties to even). */
  public void put(ByteBuffer buffer, int index, float value) {
    switch (this) {
      case FLOAT32 -> buffer.putFloat(index, value);
      case FLOAT16 -> buffer.putShort(index, HalfFloats.floatToF16(value));
      case BFLOAT16 -> buffer.putShort(index, HalfFloats.floatToBf16(value));
    }
  }
}
