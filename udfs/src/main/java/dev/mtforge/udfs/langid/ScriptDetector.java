package dev.mtforge.udfs.langid;

import java.lang.Character.UnicodeScript;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Which writing system a text is in, as ISO 15924 codes used by the registry ({@code Latn},
 * {@code Cyrl}, {@code Hans}, {@code Jpan}, {@code Hang}, {@code Deva}, ...).
 *
 * <p>Only letters count; digits, punctuation and marks ({@code COMMON}, {@code INHERITED}) are
 * ignored, so {@code "2024!"} has no script at all and matches every expected script.
 *
 * <pre>{@code ScriptDetector.matches("Привет, мир", "Cyrl")   // true}</pre>
 */
public final class ScriptDetector {
  /**
   * Share of a text's letters that must be in the expected script. Below one so that names and
   * acronyms in Latin letters inside a Chinese or Russian sentence do not fail the check.
   */
  public static final double MIN_SHARE_DEFAULT = 0.5;

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
    CODES.put(UnicodeScript.GEORGIAN, "Geor");
    CODES.put(UnicodeScript.ARMENIAN, "Armn");
    CODES.put(UnicodeScript.HAN, "Hani");
    CODES.put(UnicodeScript.HIRAGANA, "Hira");
    CODES.put(UnicodeScript.KATAKANA, "Kana");
    CODES.put(UnicodeScript.HANGUL, "Hang");
  }

  private ScriptDetector() {}

  /**
   * True when at least {@link #MIN_SHARE_DEFAULT} of the letters of {@code text} belong to
   * {@code expectedScript}, or when the text has no letters.
   */
  public static boolean matches(String text, String expectedScript) {
    return share(text, expectedScript) >= MIN_SHARE_DEFAULT;
  }

  /** Share (0..1) of the letters of {@code text} that belong to the script; 1 without letters. */
  public static double share(String text, String expectedScript) {
    Set<String> accepted = acceptedScripts(expectedScript);
    int letters = 0;
    int inScript = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) {
        continue;
      }
      String script = CODES.getOrDefault(UnicodeScript.of(cp), "Zyyy");
      letters++;
      if (accepted.contains(script)) {
        inScript++;
      }
    }
    return letters == 0 ? 1.0 : (double) inScript / letters;
  }

  /**
   * The script most letters of {@code text} are in (Han, kana and Hangul reported as
   * {@code Hani}, {@code Hira}, {@code Kana}, {@code Hang}), or {@code null} without letters.
   */
  public static String dominantScript(String text) {
    Map<String, Integer> counts = new java.util.HashMap<>();
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetter(cp)) {
        counts.merge(CODES.getOrDefault(UnicodeScript.of(cp), "Zyyy"), 1, Integer::sum);
      }
    }
    return counts.entrySet().stream()
        .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  /** The Unicode scripts a registry script code accepts (Japanese mixes kanji and kana). */
  private static Set<String> acceptedScripts(String registryScript) {
    return switch (registryScript) {
      case "Hans", "Hant", "Hani" -> Set.of("Hani");
      case "Jpan" -> Set.of("Hani", "Hira", "Kana");
      case "Kore", "Hang" -> Set.of("Hang", "Hani");
      default -> Set.of(registryScript);
    };
  }
}
