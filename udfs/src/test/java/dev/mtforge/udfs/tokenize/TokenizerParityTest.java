package dev.mtforge.udfs.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtforge.udfs.metrics.ParityFixtures;
import dev.mtforge.udfs.metrics.TercomTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each tokenizer against sacreBLEU 2.6.0 on 450 lines: hand-written edge cases (entities,
 * numbers, the zh range bounds U+2000/U+2001/U+2A6D/U+2A6E/U+2F80/U+2F81/U+2FA1/U+2FA2, CJK
 * Extension B, emoji, Python-only whitespace such as U+00A0/U+0085/U+3000) and 400 seeded random
 * strings. Expected outputs: parity/tokenizers.jsonl from make_parity_fixtures.py.
 */
class TokenizerParityTest {
  private static final Map<String, List<JsonNode>> ROWS =
      ParityFixtures.read("tokenizers.jsonl").stream()
          .collect(Collectors.groupingBy(r -> r.get("tok").asText()));

  @ParameterizedTest(name = "tokenizer {0}")
  @ValueSource(
      strings = {
        "13a", "intl", "zh", "char", "none", "tercom:0,0,0,0", "tercom:1,0,0,0", "tercom:1,1,0,1",
        "tercom:1,0,1,0", "tercom:1,1,1,0", "tercom:0,1,1,1", "lower", "split"
      })
  void matchesSacrebleu(String name) {
    UnaryOperator<String> tokenizer = forName(name);
    List<JsonNode> rows = ROWS.get(name);
    assertThat(rows).hasSizeGreaterThan(400);
    List<String> mismatches = new ArrayList<>();
    for (JsonNode row : rows) {
      String in = row.get("in").asText();
      String expected = row.get("out").asText();
      String actual = tokenizer.apply(in);
      if (!expected.equals(actual)) {
        mismatches.add(escape(in) + " -> expected " + escape(expected) + " got " + escape(actual));
      }
    }
    assertThat(mismatches).as("lines tokenized differently from sacreBLEU").isEmpty();
  }

  private static UnaryOperator<String> forName(String name) {
    if (name.startsWith("tercom:")) {
      String[] f = name.substring(7).split(",");
      TercomTokenizer t =
          new TercomTokenizer(f[0].equals("1"), f[1].equals("1"), f[2].equals("1"), f[3].equals("1"));
      return t::tokenize;
    }
    if (name.equals("lower")) {
      return PythonText::lower;
    }
    if (name.equals("split")) {
      return s -> String.join(" ", PythonText.split(s)) + "|" + PythonText.split(s).size();
    }
    Tokenizer t = Tokenizers.create(name);
    return t::tokenize;
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder("'");
    s.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append('\'').toString();
  }
}
