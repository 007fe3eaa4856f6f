package dev.mtforge.udfs.segment;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hides the periods of abbreviations that a sentence detector with an English abbreviation list
 * would take for sentence ends (German "z. B.", "usw."), by replacing them with U+2024 ONE DOT
 * LEADER. The text keeps its length, so character offsets found in the masked text are offsets in
 * the original; {@link #unmask} restores a piece of it.
 *
 * <pre>{@code
 * AbbreviationMask.mask("Brot, Kuchen usw. und z. B. Tee", "de"); // "Brot, Kuchen usw\u2024 und z\u2024 B\u2024 Tee"
 * }</pre>
 *
 * <p>A text that already contains U+2024 is returned unchanged, so that {@link #unmask} never
 * alters a character the input had.
 */
public final class AbbreviationMask {
  /** The stand-in for a masked period: one UTF-16 unit, like '.', and no sentence end to a detector. */
  public static final char MASK = '\u2024';

  /**
   * Abbreviations per language (registry code) that end in a period but rarely end a sentence.
   * Spaces inside are optional in the text ("z. B." and "z.B.").
   */
  public static final Map<String, List<String>> ABBREVIATIONS = Map.of(
      "de", List.of("z. B.", "d. h.", "u. a.", "o. Ä.", "u. U.", "usw.", "bzw.", "ca.", "vgl.", "ggf.",
          "evtl.", "inkl.", "zzgl.", "Nr.", "Str.", "Hr.", "Fr.", "Prof.", "Dr.", "Jh.", "Mio.", "Mrd."));

  private static final Map<String, Pattern> PATTERNS = ABBREVIATIONS.entrySet().stream()
      .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> pattern(e.getValue())));

  private AbbreviationMask() {}

  /** The text with the periods of {@code lang}'s abbreviations masked; null stays null. */
  public static String mask(String text, String lang) {
    Pattern pattern = lang == null ? null : PATTERNS.get(lang);
    if (text == null || pattern == null || text.indexOf(MASK) >= 0) {
      return text;
    }
    Matcher m = pattern.matcher(text);
    StringBuilder out = null;
    while (m.find()) {
      if (out == null) {
        out = new StringBuilder(text);
      }
      for (int i = m.start(); i < m.end(); i++) {
        if (text.charAt(i) == '.') {
          out.setCharAt(i, MASK);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /** A piece of a text that {@link #mask} changed, with its periods back. */
  public static String unmask(String piece) {
    return piece == null ? null : piece.replace(MASK, '.');
  }

  private static Pattern pattern(List<String> abbreviations) {
    String alternatives = abbreviations.stream()
        .map(a -> Pattern.quote(a).replace(" ", "\\E ?\\Q"))
        .collect(Collectors.joining("|"));
    // not inside a longer word: "ca." but not "Afrika."
    return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternatives + ")");
  }
}
