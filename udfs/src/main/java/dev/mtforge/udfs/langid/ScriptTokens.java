package dev.mtforge.udfs.langid;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Splits a text into words of one script each, and weighs them by how much a script packs into
 * one character: a word of an alphabet counts 1, one Han character about a word (1), one kana
 * about half a word, and scripts written without spaces (Thai, Lao, Khmer, Myanmar) one word per
 * three letters. So {@code "Sims 时年 20 岁。"} is 1 unit of Latin against 3 of Han, where counting
 * letters gives 4 Latin letters against 3 Han characters.
 *
 * <pre>{@code
 * List<ScriptTokens.Token> words = ScriptTokens.of("PBS、C-SPANなどの数値");
 * // PBS (Latn, 1), C (Latn, 1), SPAN (Latn, 1), など (Hira, 1.0), の (Hira, 0.5), 数値 (Hani, 2)
 * }</pre>
 */
public final class ScriptTokens {
  private static final Map<UnicodeScript, String> CODES = new EnumMap<>(UnicodeScript.class);

  static {
    CODES.put(UnicodeScript.LATIN, "Latn");
    CODES.put(UnicodeScript.CYRILLIC, "Cyrl");
    CODES.put(UnicodeScript.GREEK, "Grek");
    CODES.put(UnicodeScript.ARABIC, "Arab");
    CODES.put(UnicodeScript.HEBREW, "Hebr");
    CODES.put(UnicodeScript.DEVANAGARI, "Deva");
    CODES.put(UnicodeScript.GUJARATI, "Gujr");
    CODES.put(UnicodeScript.BENGALI, "Beng");
    CODES.put(UnicodeScript.GURMUKHI, "Guru");
    CODES.put(UnicodeScript.TAMIL, "Taml");
    CODES.put(UnicodeScript.TELUGU, "Telu");
    CODES.put(UnicodeScript.THAI, "Thai");
    CODES.put(UnicodeScript.LAO, "Laoo");
    CODES.put(UnicodeScript.KHMER, "Khmr");
    CODES.put(UnicodeScript.MYANMAR, "Mymr");
    CODES.put(UnicodeScript.GEORGIAN, "Geor");
    CODES.put(UnicodeScript.ARMENIAN, "Armn");
    CODES.put(UnicodeScript.HAN, "Hani");
    CODES.put(UnicodeScript.HIRAGANA, "Hira");
    CODES.put(UnicodeScript.KATAKANA, "Kana");
    CODES.put(UnicodeScript.HANGUL, "Hang");
  }

  private static final Set<String> UNSPACED = Set.of("Thai", "Laoo", "Khmr", "Mymr");

  private ScriptTokens() {}

  /**
   * One word of one script.
   *
   * @param text the word as written
   * @param script ISO 15924 code of its letters ({@code Zyyy} for scripts not listed here)
   * @param units its weight in words (see the class comment)
   * @param start offset of its first char in the text
   * @param end offset after its last char
   */
  public record Token(String text, String script, double units, int start, int end) {
    /** The form two sides of a pair are compared in: NFKC, lower case (root locale). */
    public String key() {
      return key(text);
    }

    /** True when the word has an upper-case letter: a name, an acronym, a title word. */
    public boolean capitalized() {
      return text.codePoints().anyMatch(Character::isUpperCase);
    }

    static String key(String word) {
      return Normalizer.normalize(word, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
  }

  /** The ISO 15924 code of a letter's script, {@code Zyyy} when not one of the listed scripts. */
  public static String scriptOf(int codePoint) {
    return CODES.getOrDefault(UnicodeScript.of(codePoint), "Zyyy");
  }

  /**
   * The words of a text in order: runs of letters (with their combining marks) of one script.
   * Digits, punctuation and spaces separate words and count for nothing.
   */
  public static List<Token> of(String text) {
    List<Token> tokens = new ArrayList<>();
    int start = -1;
    String script = null;
    int letters = 0;
    for (int i = 0; i <= text.length(); ) {
      int cp = i < text.length() ? text.codePointAt(i) : -1;
      int next = i + (cp >= 0 ? Character.charCount(cp) : 1);
      boolean letter = cp >= 0 && Character.isLetter(cp);
      boolean mark = cp >= 0 && isMark(cp);
      String cpScript = letter ? scriptOf(cp) : null;
      if (start >= 0 && (cp < 0 || (!letter && !mark) || (letter && !cpScript.equals(script)))) {
        tokens.add(token(text.substring(start, i), script, letters, start, i));
        start = -1;
      }
      if (letter && start < 0) {
        start = i;
        script = cpScript;
        letters = 0;
      }
      if (letter) {
        letters++;
      }
      i = next;
    }
    return tokens;
  }

  /** The comparison keys of all words of a text (for the "shared with the other side" rule). */
  public static Set<String> keys(String text) {
    Set<String> keys = new HashSet<>();
    if (text != null) {
      of(text).forEach(t -> keys.add(t.key()));
    }
    return keys;
  }

  private static Token token(String text, String script, int letters, int start, int end) {
    double units = switch (script) {
      case "Hani" -> letters;
      case "Hira", "Kana" -> letters * 0.5;
      default -> UNSPACED.contains(script) ? Math.max(1.0, letters / 3.0) : 1.0;
    };
    return new Token(text, script, units, start, end);
  }

  private static boolean isMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }
}
