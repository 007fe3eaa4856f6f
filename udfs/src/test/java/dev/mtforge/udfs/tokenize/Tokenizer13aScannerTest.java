package dev.mtforge.udfs.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtforge.udfs.metrics.ParityFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one-pass 13a scanner against sacreBLEU 2.6.0 on 11,420 adversarial lines (every string of
 * up to three characters at the rules' edges, and 3,000 seeded random lines with Unicode
 * punctuation, symbols, digits, combining marks, astral characters, entities and line breaks;
 * expected outputs: parity/tokenizer-13a-adversarial.jsonl from make_13a_fixtures.py), and
 * against the four-pass {@link MtevalRules} it replaces on random lines.
 */
class Tokenizer13aScannerTest {
  private final Tokenizer13a tokenizer = new Tokenizer13a();

  @Test
  void matchesSacrebleuOnAdversarialLines() {
    List<JsonNode> rows = ParityFixtures.read("tokenizer-13a-adversarial.jsonl");
    assertThat(rows).hasSize(11420);
    List<String> mismatches = new ArrayList<>();
    Tokens tokens = new Tokens();
    for (JsonNode row : rows) {
      String in = row.get("in").asText();
      String expected = row.get("out").asText();
      tokens.clear();
      tokenizer.tokenize(in, tokens);
      String joined = tokenizer.tokenize(in);
      if (!expected.equals(joined) || !PythonText.split(expected).equals(tokens.toList())) {
        mismatches.add(in + " -> expected '" + expected + "' got '" + joined + "' / " + tokens.toList());
      }
    }
    assertThat(mismatches).as("lines the scanner tokenizes differently from sacreBLEU").isEmpty();
  }

  @Test
  void equalsTheFourPassRulesOnRandomLines() {
    char[] pool = ".,-0123456789 \t\u00a0\u3000aZ&'(+/:@[`{~\u007f\u2026\u20ac\u0301\ud83d\ude00".toCharArray();
    SplittableRandom rng = new SplittableRandom(42);
    Tokens tokens = new Tokens();
    Mteval13aScanner scanner = new Mteval13aScanner();
    int checked = 0;
    for (int k = 0; k < 50_000; k++) {
      StringBuilder line = new StringBuilder();
      for (int n = rng.nextInt(25); n > 0; n--) {
        line.append(pool[rng.nextInt(pool.length)]);
      }
      tokens.clear();
      scanner.scan(line, tokens);
      String expected = MtevalRules.apply(" " + line + " ");
      assertThat(String.join(" ", tokens.toList())).as("scan of '%s'", line).isEqualTo(expected);
      checked++;
    }
    assertThat(checked).isEqualTo(50_000);
  }

  @Test
  void appendsAfterExistingTokensAndReusesTheBuffer() {
    Tokens tokens = new Tokens();
    tokens.addSplit("x  y");
    tokenizer.tokenize("a.b, 1,000.5-2", tokens);
    assertThat(tokens.toList()).containsExactly("x", "y", "a", ".", "b", ",", "1,000.5", "-", "2");
    tokens.clear();
    tokenizer.tokenize("end.", tokens);
    assertThat(tokens.toList()).containsExactly("end", ".");
  }
}
