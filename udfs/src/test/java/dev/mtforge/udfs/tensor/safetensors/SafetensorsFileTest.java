package dev.mtforge.udfs.tensor.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsFileTest {
  @TempDir Path dir;

  private static final TensorFiles FILES = TensorFiles.local();

  @Test
  void readsFileWrittenByHandInPython() throws Exception {
    // mixed.safetensors and these values: udfs/src/test/python/safetensors_fixture.py (torch 1.13).
    String path = Path.of(getClass().getResource("/tensor/mixed.safetensors").toURI()).toString();
    try (SafetensorsFile file = SafetensorsFile.open(FILES, path)) {
      assertThat(file.names()).containsExactly("w.bf16", "w.f32", "w.f16");
      assertThat(file.metadata()).containsExactly(Map.entry("format", "pt"));
      assertThat(file.spec("w.f32")).isEqualTo(TensorSpec.of("w.f32", DType.F32, 2, 3));
      assertThat(file.readFloats("w.f32")).containsExactly(
          -0.1467950940132141f, 0.7861412763595581f, 0.9468216300010681f,
          -1.1143440008163452f, 1.6907901763916016f, -0.8948279023170471f);
      assertThat(file.readRows("w.f32", 1, 1)).containsExactly(
          -1.1143440008163452f, 1.6907901763916016f, -0.8948279023170471f);
      assertThat(file.readFloats("w.f16")).containsExactly(
          1.0f, -2.5f, 65504.0f, 6.097555160522461e-05f, 1.1920928955078125e-07f);
      assertThat(file.readFloats("w.bf16")).containsExactly(
          3.140625f, -0.0f, 1.0002555517425873e+30f, -9.98402083170343e-31f);
    }
  }

  @Test
  void writerRoundTripsEveryDtypeAndPadsHeader() {
    String path = dir.resolve("out.safetensors").toString();
    float[] values = {0.5f, -1.25f, 3.0f, 1e-3f, -7.5f, 100f};
    List<TensorSpec> specs = List.of(
        TensorSpec.of("a", DType.F32, 2, 3),
        TensorSpec.of("empty", DType.F32, 0, 4),
        TensorSpec.of("b", DType.F16, 3, 2),
        TensorSpec.of("c", DType.BF16, 6));
    try (SafetensorsWriter writer = SafetensorsWriter.create(FILES, path, specs, Map.of("format", "pt"))) {
      writer.write("a", values);
      writer.append("b", values, 0, 2);
      writer.append("b", values, 2, 4);
      writer.write("c", values);
    }
    try (SafetensorsFile file = SafetensorsFile.open(FILES, path)) {
      assertThat(file.specs()).containsExactly(specs.get(0), specs.get(1), specs.get(2), specs.get(3));
      assertThat(file.readFloats("a")).containsExactly(values);
      assertThat(file.readFloats("empty")).isEmpty();
      assertThat(file.readFloats("b")).containsExactly(0.5f, -1.25f, 3.0f, 0.0010004044f, -7.5f, 100f);
      // 1e-3 as F16 and as BF16: torch 1.13 `torch.tensor([1e-3]).half()` / `.bfloat16()`.
      assertThat(file.readFloats("c")).containsExactly(0.5f, -1.25f, 3.0f, 9.994507E-4f, -7.5f, 100f);
      assertThat(file.readRows("b", 1, 2)).containsExactly(3.0f, 0.0010004044f, -7.5f, 100f);
    }
    byte[] bytes = readAll(path);
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
  }

  @Test
  void writerRefusesMissingData() {
    String path = dir.resolve("short.safetensors").toString();
    SafetensorsWriter writer =
        SafetensorsWriter.create(FILES, path, List.of(TensorSpec.of("a", DType.F32, 2)), Map.of());
    assertThatThrownBy(() -> writer.write("b", new float[2]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(path + ": expected data of tensor 'a' next, got 'b'");
    assertThatThrownBy(writer::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(path + ": closed before the data of tensor 'a' was written");
  }

  // Each row: header JSON, data bytes, expected message after "<path>: ".
  @ParameterizedTest(name = "{2}")
  @CsvSource(delimiter = '|', value = {
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|4|tensor 't': data_offsets [0, 8] end outside the data region (4 bytes)",
    "{\"t\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}|8|tensor 't': unsupported dtype 'F64'; supported: F32, F16, BF16",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}|8|tensor 't': data_offsets [0, 8] hold 8 bytes but shape [3] of F32 needs 12",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|8|tensor 'u': data starts at byte 4 but tensor 't' ends at 8 (overlap)",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"u\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}|12|tensor 'u': data starts at byte 8 but tensor 't' ends at 4 (gap)",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}|12|data region has 12 bytes but the tensors end at byte 4 (trailing bytes)",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}|4|tensor 't': shape holds '-1', not a non-negative integer",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}|4|tensor 't': shape [4294967296, 4294967296] overflows a 64-bit size",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}|4|tensor 't': missing or malformed data_offsets (expected 2 integers)",
    "[1,2]|0|header is not a JSON object",
    "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"t\":{}}|4|header is not valid JSON: Duplicate field 't'",
    "{\"__metadata__\":{\"n\":1}}|0|__metadata__ value of 'n' is not a string",
  })
  void rejectsMalformedHeaders(String header, int dataBytes, String message) throws IOException {
    Path file = write(header.getBytes(StandardCharsets.UTF_8), header.length(), dataBytes);
    assertThatThrownBy(() -> SafetensorsFile.open(FILES, file.toString()))
        .isInstanceOf(SafetensorsException.class)
        .hasMessage(file + ": " + message);
  }

  @Test
  void rejectsHeaderLengthBeyondFileBeforeAllocating() throws IOException {
    Path file = write("{}".getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE, 0);
    assertThatThrownBy(() -> SafetensorsFile.open(FILES, file.toString()))
        .isInstanceOf(SafetensorsException.class)
        .hasMessage(file + ": header length 9223372036854775807 is out of range (the file has 2 bytes after"
            + " the length prefix; limit 100000000)");
    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[3]);
    assertThatThrownBy(() -> SafetensorsFile.open(FILES, tiny.toString()))
        .hasMessage(tiny + ": file has 3 bytes, too short for the 8-byte header length");
  }

  @Test
  void missingTensorNamesFileAndTensor() throws Exception {
    String path = Path.of(getClass().getResource("/tensor/mixed.safetensors").toURI()).toString();
    try (SafetensorsFile file = SafetensorsFile.open(FILES, path)) {
      assertThatThrownBy(() -> file.readFloats("nope"))
          .isInstanceOf(SafetensorsException.class)
          .hasMessage(path + ": tensor 'nope': no such tensor in the file");
    }
  }

  @Test
  void shardedCheckpointRoundTrip() {
    String out = dir.resolve("model").toString();
    List<TensorSpec> specs = List.of(
        TensorSpec.of("x", DType.F32, 4, 4),
        TensorSpec.of("y", DType.BF16, 8),
        TensorSpec.of("z", DType.F32, 2, 8));
    float[] sixteen = new float[16];
    for (int i = 0; i < 16; i++) {
      sixteen[i] = i - 7.5f;
    }
    try (ShardedCheckpointWriter writer = ShardedCheckpointWriter.create(FILES, out, specs, 80, Map.of())) {
      assertThat(writer.shardNames()).containsExactly(
          "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
      writer.write("x", sixteen);
      writer.write("y", new float[] {1, 2, 3, 4, 5, 6, 7, 8});
      writer.append("z", sixteen, 0, 8);
      writer.append("z", sixteen, 8, 8);
    }
    assertThat(Files.exists(Path.of(out, SafetensorsCheckpoint.INDEX_FILE))).isTrue();
    try (SafetensorsCheckpoint model = SafetensorsCheckpoint.open(FILES, out)) {
      assertThat(model.names()).containsExactly("x", "y", "z");
      assertThat(model.specs()).containsExactlyElementsOf(specs);
      assertThat(model.readFloats("x")).containsExactly(sixteen);
      assertThat(model.readRows("z", 1, 1)).containsExactly(0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f);
      assertThat(model.readFloats("y")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }
  }

  @Test
  void indexMustNotEscapeItsFolder() throws IOException {
    Path model = Files.createDirectories(dir.resolve("evil"));
    Files.writeString(model.resolve(SafetensorsCheckpoint.INDEX_FILE),
        "{\"weight_map\": {\"x\": \"../secret.safetensors\"}}");
    String index = model.resolve(SafetensorsCheckpoint.INDEX_FILE).toString();
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(FILES, model.toString()))
        .isInstanceOf(SafetensorsException.class)
        .hasMessage(index + ": tensor 'x': weight_map names shard '\"../secret.safetensors\"', not a file name in the"
            + " index's folder");
  }

  private Path write(byte[] header, long declaredLength, int dataBytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(declaredLength).put(header);
    Path file = Files.createTempFile(dir, "bad", ".safetensors");
    Files.write(file, buffer.array());
    return file;
  }

  private static byte[] readAll(String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
