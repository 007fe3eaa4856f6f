package dev.mtforge.udfs.tensor.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@code .safetensors} file as a stream: the header is built from the tensor specs given
 * up front, then the data of each tensor comes in header order, whole ({@link #write}) or in
 * consecutive pieces ({@link #append}), so a writer never holds more than the piece it is given.
 * The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
 *
 * <pre>{@code
 * try (SafetensorsWriter out = SafetensorsWriter.create(files, path, specs, Map.of("format", "pt"))) {
 *   for (TensorSpec spec : specs) out.write(spec.name(), values(spec));
 * }
 * }</pre>
 */
public final class SafetensorsWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_ELEMENTS = 1 << 16;

  private final String path;
  private final List<TensorSpec> specs;
  private final OutputStream out;
  private final byte[] chunk = new byte[CHUNK_ELEMENTS * 4];
  private int current;
  private long writtenOfCurrent;
  private boolean failed;

  private SafetensorsWriter(String path, List<TensorSpec> specs, OutputStream out) {
    this.path = path;
    this.specs = specs;
    this.out = out;
  }

  /** Creates the file and writes its header. */
  public static SafetensorsWriter create(
      TensorFiles files, String path, List<TensorSpec> specs, Map<String, String> metadata) {
    byte[] header = header(specs, metadata);
    try {
      OutputStream out = files.create(path);
      byte[] prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
      out.write(prefix);
      out.write(header);
      SafetensorsWriter writer = new SafetensorsWriter(path, List.copyOf(specs), out);
      writer.skipEmpty();
      return writer;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write safetensors file " + path, e);
    }
  }

  /** The header bytes (JSON, space-padded to a multiple of 8) for these tensors, in this order. */
  static byte[] header(List<TensorSpec> specs, Map<String, String> metadata) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    Set<String> names = new HashSet<>();
    long offset = 0;
    for (TensorSpec spec : specs) {
      if (!names.add(spec.name())) {
        throw new IllegalArgumentException("Cannot write " + spec.name() + " twice to one safetensors file");
      }
      ObjectNode entry = root.putObject(spec.name());
      entry.put("dtype", spec.dtype().name());
      ArrayNode shape = entry.putArray("shape");
      for (long dim : spec.shape()) {
        shape.add(dim);
      }
      long end = offset + spec.bytes();
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int padded = (json.length + 7) / 8 * 8;
    byte[] header = new byte[padded];
    System.arraycopy(json, 0, header, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      header[i] = ' ';
    }
    return header;
  }

  /** Writes a whole tensor; it must be the next one in header order. */
  public void write(String name, float[] values) {
    TensorSpec spec = expect(name);
    if (writtenOfCurrent != 0 || values.length != spec.elements()) {
      throw new IllegalArgumentException(path + ": tensor '" + name + "' " + spec.shapeString() + " needs "
          + spec.elements() + " values, got " + values.length + (writtenOfCurrent != 0 ? " after a partial append" : ""));
    }
    append(name, values, 0, values.length);
  }

  /** Writes the next {@code length} values of a tensor; the next tensor starts once this one is full. */
  public void append(String name, float[] values, int offset, int length) {
    TensorSpec spec = expect(name);
    if (writtenOfCurrent + length > spec.elements()) {
      throw new IllegalArgumentException(path + ": tensor '" + name + "' " + spec.shapeString() + " has "
          + spec.elements() + " values; " + (writtenOfCurrent + length) + " written");
    }
    try {
      encode(spec.dtype(), values, offset, length);
    } catch (IOException e) {
      failed = true;
      throw new UncheckedIOException("Cannot write tensor '" + name + "' to " + path, e);
    }
    writtenOfCurrent += length;
    if (writtenOfCurrent == spec.elements()) {
      current++;
      writtenOfCurrent = 0;
      skipEmpty();
    }
  }

  private void encode(DType dtype, float[] values, int offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < length; start += CHUNK_ELEMENTS) {
      int n = Math.min(CHUNK_ELEMENTS, length - start);
      buffer.clear();
      if (dtype == DType.F32) {
        buffer.asFloatBuffer().put(values, offset + start, n); // one bulk copy
        out.write(chunk, 0, 4 * n);
        continue;
      }
      for (int i = 0; i < n; i++) {
        float v = values[offset + start + i];
        switch (dtype) {
          case F32 -> buffer.putFloat(v);
          case F16 -> buffer.putShort(HalfFloats.floatToF16(v));
          case BF16 -> buffer.putShort(HalfFloats.floatToBf16(v));
          default -> throw new IllegalStateException("unreachable: " + dtype);
        }
      }
      out.write(chunk, 0, buffer.position());
    }
  }

  private TensorSpec expect(String name) {
    if (current >= specs.size()) {
      throw new IllegalStateException(path + ": every tensor is written; unexpected '" + name + "'");
    }
    TensorSpec spec = specs.get(current);
    if (!spec.name().equals(name)) {
      throw new IllegalStateException(path + ": expected data of tensor '" + spec.name() + "' next, got '" + name + "'");
    }
    return spec;
  }

  private void skipEmpty() {
    while (current < specs.size() && specs.get(current).elements() == 0) {
      current++;
    }
  }

  /** Closes the file; fails if some tensor's data is missing (the file would be invalid). */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + path, e);
    }
    if (!failed && current < specs.size()) {
      throw new IllegalStateException(path + ": closed before the data of tensor '" + specs.get(current).name()
          + "' was written");
    }
  }
}
