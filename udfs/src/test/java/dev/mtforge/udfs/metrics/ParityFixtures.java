package dev.mtforge.udfs.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parity fixtures under {@code parity/}: inputs and sacreBLEU 2.6.0's outputs, written
 * by {@code udfs/src/test/python/make_parity_fixtures.py} (its docstring has the command).
 */
public final class ParityFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ParityFixtures() {}

  public static List<JsonNode> read(String name) {
    try (InputStream in = ParityFixtures.class.getResourceAsStream("/parity/" + name);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<JsonNode> rows = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        rows.add(JSON.readTree(line));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON array of strings (null entries kept). */
  public static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
    return out;
  }

  /** sacreBLEU's expected output with our honest version field in place of its own. */
  public static String ourVersion(String expected) {
    return expected
        .replace("version:2.6.0", "version:" + Signature.VERSION)
        .replace("\"version\": \"2.6.0\"", "\"version\": \"" + Signature.VERSION + "\"");
  }
}
