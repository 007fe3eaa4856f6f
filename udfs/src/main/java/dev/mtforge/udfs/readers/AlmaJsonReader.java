package dev.mtforge.udfs.readers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ALMA's {@code human_written_data} files ({@code train.cs-en.json}): either JSON Lines (one
 * object per line) or one JSON array; each object is {@code {"translation": {"cs": ..., "en": ...}}}.
 * A JSON Lines file with an empty line is accepted (the line is skipped, ids keep counting lines).
 */
public final class AlmaJsonReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlmaJsonReader() {}

  /**
   * A translation pair of one object.
   *
   * @param segId 1-based position of the object in the file
   * @param line line the object starts on (1 for a single-line array)
   */
  public record AlmaPair(int segId, long line, String first, String second) {}

  /** The pairs of a file's lines (from {@link LineFileReader}) in language order {@code a}, {@code b}. */
  public static List<AlmaPair> read(List<String> lines, String path, String a, String b) {
    List<AlmaPair> pairs = new ArrayList<>();
    String firstLine = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
    if (firstLine.stripLeading().startsWith("[")) {
      JsonNode array = parse(String.join("\n", lines), path, 1);
      for (JsonNode element : array) {
        pairs.add(pair(element, path, 1, pairs.size() + 1, a, b));
      }
      return pairs;
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      pairs.add(pair(parse(lines.get(i), path, i + 1), path, i + 1, pairs.size() + 1, a, b));
    }
    return pairs;
  }

  private static JsonNode parse(String text, String path, long line) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      long where = e.getLocation() == null ? line : line + e.getLocation().getLineNr() - 1;
      throw ReaderErrors.malformed(path, where, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static AlmaPair pair(JsonNode node, String path, long line, int segId, String a, String b) {
    JsonNode translation = node.get("translation");
    if (translation == null || !translation.isObject()) {
      throw ReaderErrors.malformed(path, line, "object " + segId + " has no \"translation\" object");
    }
    return new AlmaPair(segId, line, text(translation, a, path, line, segId), text(translation, b, path, line, segId));
  }

  private static String text(JsonNode translation, String lang, String path, long line, int segId) {
    JsonNode value = translation.get(lang);
    if (value == null || !value.isTextual()) {
      throw ReaderErrors.malformed(
          path, line, "object " + segId + " has no \"" + lang + "\" text in \"translation\"");
    }
    return value.asText();
  }
}
