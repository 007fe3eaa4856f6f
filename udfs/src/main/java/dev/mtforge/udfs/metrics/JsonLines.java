package dev.mtforge.udfs.metrics;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one flat JSON object exactly as Python's {@code json.dumps(d, indent=1,
 * ensure_ascii=False)} does, which sacreBLEU uses for {@code -f json}. Jackson escapes the
 * strings; the layout (one-space indent, {@code ": "}) is Python's, which no Jackson pretty
 * printer of 2.15 produces.
 */
final class JsonLines {
  private final Map<String, String> values = new LinkedHashMap<>();

  void field(String key, String value) {
    values.put(key, quote(value));
  }

  void number(String key, String literal) {
    values.put(key, literal);
  }

  String close() {
    StringBuilder out = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, String> e : values.entrySet()) {
      out.append(' ').append(quote(e.getKey())).append(": ").append(e.getValue());
      out.append(++i < values.size() ? ",\n" : "\n");
    }
    return out.append('}').toString();
  }

  static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
