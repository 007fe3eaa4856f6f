package dev.mtforge.udfs.tensor.safetensors;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's name, element type and shape: what a safetensors header says about it, and what a
 * writer is told before the data comes.
 *
 * @param name the tensor's key ({@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight})
 * @param dtype element type
 * @param shape dimensions, outermost first; {@code []} is a scalar
 */
public record TensorSpec(String name, DType dtype, long[] shape) implements Serializable {

  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = shape.clone();
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("Tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
      }
    }
  }

  public static TensorSpec of(String name, DType dtype, long... shape) {
    return new TensorSpec(name, dtype, shape);
  }

  /** The shape (a copy). */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code i}. */
  public long dim(int i) {
    return shape[i];
  }

  /** Number of elements; {@link ArithmeticException} if it overflows a long. */
  public long elements() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  /** Bytes of data; {@link ArithmeticException} if it overflows a long. */
  public long bytes() {
    return Math.multiplyExact(elements(), dtype.bytes());
  }

  /** Rows (the outermost dimension; 1 for a scalar). */
  public long rows() {
    return shape.length == 0 ? 1 : shape[0];
  }

  /** Elements per row (product of the inner dimensions). */
  public long rowElements() {
    long count = 1;
    for (int i = 1; i < shape.length; i++) {
      count = Math.multiplyExact(count, shape[i]);
    }
    return count;
  }

  /** True when the other spec has the same shape (names and types may differ). */
  public boolean sameShape(TensorSpec other) {
    return Arrays.equals(shape, other.shape);
  }

  /** {@code [16, 64]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  /** The same tensor under another type. */
  public TensorSpec withDtype(DType type) {
    return new TensorSpec(name, type, shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec other
        && name.equals(other.name)
        && dtype == other.dtype
        && Arrays.equals(shape, other.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + shapeString();
  }
}
