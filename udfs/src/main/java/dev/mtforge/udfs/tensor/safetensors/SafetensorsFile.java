package dev.mtforge.udfs.tensor.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One open {@code .safetensors} file: a validated header, and reads of one tensor or a range of
 * its rows as {@code float[]} (F16/BF16 widened). Nothing but the 8-byte length prefix is read
 * before the header length is checked against the file size, and no tensor data is read before
 * the whole header is validated: offsets inside the data region, contiguous without overlap or
 * gap, shape × dtype size = byte length, known dtypes only.
 *
 * <pre>{@code
 * try (SafetensorsFile file = SafetensorsFile.open(TensorFiles.local(), "adapter_model.safetensors")) {
 *   float[] a = file.readFloats("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
 * }
 * }</pre>
 *
 * <p>Not thread-safe for concurrent reads on one instance (one per task).
 */
public final class SafetensorsFile implements AutoCloseable {
  /** Largest header accepted (the reference implementation's limit): 100 MB. */
  public static final long MAX_HEADER_BYTES = 100L * 1000 * 1000;

  /** Largest single read, so that one byte[] can hold it. */
  static final long MAX_READ_BYTES = Integer.MAX_VALUE - 64;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final TensorFiles.Input input;
  private final long dataStart;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private record Entry(TensorSpec spec, long begin, long end) {}

  private SafetensorsFile(
      TensorFiles.Input input, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
    this.input = input;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  /** Opens and validates a file; a malformed header is a {@link SafetensorsException}. */
  public static SafetensorsFile open(TensorFiles files, String path) {
    TensorFiles.Input input;
    try {
      input = files.open(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open safetensors file " + path, e);
    }
    try {
      return read(input);
    } catch (RuntimeException e) {
      closeQuietly(input, e);
      throw e;
    }
  }

  private static SafetensorsFile read(TensorFiles.Input input) {
    String path = input.path();
    try {
      long fileLength = input.length();
      if (fileLength < 8) {
        throw SafetensorsException.of(path, "file has " + fileLength + " bytes, too short for the 8-byte header length");
      }
      byte[] prefix = new byte[8];
      input.readFully(0, prefix, 0, 8);
      long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (headerLength < 2 || headerLength > fileLength - 8 || headerLength > MAX_HEADER_BYTES) {
        throw SafetensorsException.of(path, "header length " + Long.toUnsignedString(headerLength)
            + " is out of range (the file has " + (fileLength - 8) + " bytes after the length prefix; limit "
            + MAX_HEADER_BYTES + ")");
      }
      byte[] header = new byte[(int) headerLength];
      input.readFully(8, header, 0, header.length);
      long dataStart = 8 + headerLength;
      return parse(input, header, dataStart, fileLength - dataStart);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read safetensors file " + path, e);
    }
  }

  private static SafetensorsFile parse(TensorFiles.Input input, byte[] header, long dataStart, long dataLength) {
    String path = input.path();
    // The format says UTF-8. Jackson would guess UTF-16/32 from leading NULs and fail with an
    // IOException that is not a JsonProcessingException, so decode strictly first.
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(header)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw SafetensorsException.of(path, "header is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(path, null, "header is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw SafetensorsException.of(path, "header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> list = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("__metadata__")) {
        readMetadata(path, field.getValue(), metadata);
      } else {
        list.add(readEntry(path, field.getKey(), field.getValue()));
      }
    }
    list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    String previous = null;
    for (Entry entry : list) {
      String name = entry.spec().name();
      if (entry.end() > dataLength) {
        throw SafetensorsException.of(path, name, "data_offsets [" + entry.begin() + ", " + entry.end()
            + "] end outside the data region (" + dataLength + " bytes)");
      }
      if (entry.begin() != expected) {
        throw SafetensorsException.of(path, name, "data starts at byte " + entry.begin() + " but "
            + (previous == null ? "the data region starts at 0" : "tensor '" + previous + "' ends at " + expected)
            + (entry.begin() < expected ? " (overlap)" : " (gap)"));
      }
      expected = entry.end();
      previous = name;
    }
    if (expected != dataLength) {
      throw SafetensorsException.of(path, "data region has " + dataLength + " bytes but the tensors end at byte "
          + expected + " (trailing bytes)");
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Entry entry : list) {
      entries.put(entry.spec().name(), entry);
    }
    return new SafetensorsFile(input, dataStart, entries, Collections.unmodifiableMap(metadata));
  }

  private static void readMetadata(String path, JsonNode node, Map<String, String> metadata) {
    if (!node.isObject()) {
      throw SafetensorsException.of(path, "__metadata__ is not a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw SafetensorsException.of(path, "__metadata__ value of '" + field.getKey() + "' is not a string");
      }
      metadata.put(field.getKey(), field.getValue().textValue());
    }
  }

  private static Entry readEntry(String path, String name, JsonNode node) {
    if (!node.isObject()) {
      throw SafetensorsException.of(path, name, "header entry is not a JSON object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw SafetensorsException.of(path, name, "missing or non-string dtype");
    }
    DType dtype = DType.fromHeader(dtypeNode.textValue())
        .orElseThrow(() -> SafetensorsException.of(path, name, "unsupported dtype '" + dtypeNode.textValue()
            + "'; supported: " + DType.known()));
    long[] shape = longs(path, name, node.get("shape"), "shape", -1);
    long[] offsets = longs(path, name, node.get("data_offsets"), "data_offsets", 2);
    if (offsets[1] < offsets[0]) {
      throw SafetensorsException.of(path, name, "data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
    }
    TensorSpec spec = new TensorSpec(name, dtype, shape);
    long bytes;
    try {
      bytes = spec.bytes();
    } catch (ArithmeticException e) {
      throw SafetensorsException.of(path, name, "shape " + spec.shapeString() + " overflows a 64-bit size");
    }
    if (offsets[1] - offsets[0] != bytes) {
      throw SafetensorsException.of(path, name, "data_offsets [" + offsets[0] + ", " + offsets[1] + "] hold "
          + (offsets[1] - offsets[0]) + " bytes but shape " + spec.shapeString() + " of " + dtype + " needs " + bytes);
    }
    return new Entry(spec, offsets[0], offsets[1]);
  }

  private static long[] longs(String path, String name, JsonNode node, String field, int size) {
    if (node == null || !node.isArray() || (size >= 0 && node.size() != size)) {
      throw SafetensorsException.of(path, name, "missing or malformed " + field
          + (size >= 0 ? " (expected " + size + " integers)" : " (expected an array of integers)"));
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = node.get(i);
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
        throw SafetensorsException.of(path, name, field + " holds '" + value + "', not a non-negative integer");
      }
      values[i] = value.longValue();
    }
    return values;
  }

  /** The file's path. */
  public String path() {
    return input.path();
  }

  /** Tensor specs in data order. */
  public List<TensorSpec> specs() {
    return entries.values().stream().map(Entry::spec).toList();
  }

  /** Tensor names in data order. */
  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  /** True when the file holds the tensor. */
  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The spec of a tensor; {@link SafetensorsException} if absent. */
  public TensorSpec spec(String name) {
    return entry(name).spec();
  }

  /** The {@code __metadata__} map (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** A whole tensor as floats. */
  public float[] readFloats(String name) {
    Entry entry = entry(name);
    long elements = entry.spec().elements();
    return readElements(entry, 0, checkedCount(entry, elements));
  }

  /**
   * Rows {@code [firstRow, firstRow + rowCount)} of a tensor (row = outermost dimension), as
   * floats: the range read behind row-block merges of tensors too big for one task.
   */
  public float[] readRows(String name, long firstRow, long rowCount) {
    Entry entry = entry(name);
    TensorSpec spec = entry.spec();
    if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > spec.rows()) {
      throw new IllegalArgumentException(path() + ": tensor '" + name + "': rows [" + firstRow + ", "
          + (firstRow + rowCount) + ") outside its " + spec.rows() + " rows");
    }
    long rowElements = spec.rowElements();
    return readElements(entry, firstRow * rowElements, checkedCount(entry, rowCount * rowElements));
  }

  private static int checkedCount(Entry entry, long elements) {
    if (elements * entry.spec().dtype().bytes() > MAX_READ_BYTES) {
      throw new IllegalArgumentException("Tensor '" + entry.spec().name() + "' " + entry.spec().shapeString()
          + " is too large for one read; read it in row blocks");
    }
    return (int) elements;
  }

  private float[] readElements(Entry entry, long firstElement, int count) {
    DType dtype = entry.spec().dtype();
    byte[] bytes = new byte[count * dtype.bytes()];
    try {
      input.readFully(dataStart + entry.begin() + firstElement * dtype.bytes(), bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(path() + ": cannot read tensor '" + entry.spec().name() + "'", e);
    }
    return decode(bytes, dtype, count);
  }

  /** Little-endian bytes of a dtype to floats. */
  static float[] decode(byte[] bytes, DType dtype, int count) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[count];
    switch (dtype) {
      case F32 -> buffer.asFloatBuffer().get(values);
      case F16 -> {
        for (int i = 0; i < count; i++) {
          values[i] = HalfFloats.f16ToFloat(buffer.getShort(2 * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          values[i] = HalfFloats.bf16ToFloat(buffer.getShort(2 * i));
        }
      }
      default -> throw new IllegalStateException("unreachable: " + dtype);
    }
    return values;
  }

  private Entry entry(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      throw SafetensorsException.of(path(), name, "no such tensor in the file");
    }
    return entry;
  }

  @Override
  public void close() {
    try {
      input.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + path(), e);
    }
  }

  private static void closeQuietly(TensorFiles.Input input, RuntimeException failure) {
    try {
      input.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
