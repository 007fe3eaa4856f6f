package dev.mtforge.udfs.inference;

import java.lang.Character.UnicodeScript;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Off-target detection that works for every language: is the hypothesis written in the target
 * language's script (ISO 15924 code from the registry)? It catches a Russian target answered in
 * Latin letters or English output for Chinese, not German output for a Dutch target (that needs
 * language identification).
 */
public final class ScriptCheck {
  /** Share of letters that must be in the target script. */
  public static final double MIN_SHARE = 0.5;

  private static final Map<String, Set<UnicodeScript>> SCRIPTS =
      Map.ofEntries(
          Map.entry("latn", EnumSet.of(UnicodeScript.LATIN)),
          Map.entry("cyrl", EnumSet.of(UnicodeScript.CYRILLIC)),
          Map.entry("arab", EnumSet.of(UnicodeScript.ARABIC)),
          Map.entry("deva", EnumSet.of(UnicodeScript.DEVANAGARI)),
          Map.entry("geor", EnumSet.of(UnicodeScript.GEORGIAN)),
          Map.entry("grek", EnumSet.of(UnicodeScript.GREEK)),
          Map.entry("gujr", EnumSet.of(UnicodeScript.GUJARATI)),
          Map.entry("hang", EnumSet.of(UnicodeScript.HANGUL, UnicodeScript.HAN)),
          Map.entry("hans", EnumSet.of(UnicodeScript.HAN)),
          Map.entry("hant", EnumSet.of(UnicodeScript.HAN)),
          Map.entry("jpan", EnumSet.of(UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA)),
          Map.entry("hebr", EnumSet.of(UnicodeScript.HEBREW)),
          Map.entry("thai", EnumSet.of(UnicodeScript.THAI)));

  private ScriptCheck() {}

  /** True when the script is one this check knows. */
  public static boolean supports(String script) {
    return SCRIPTS.containsKey(script.toLowerCase(Locale.ROOT));
  }

  /**
   * True when fewer than {@link #MIN_SHARE} of the letters are in the script; null when the
   * text has no letters or the script is unknown (no verdict).
   */
  public static Boolean offTarget(String text, String script) {
    Set<UnicodeScript> wanted = SCRIPTS.get(script.toLowerCase(Locale.ROOT));
    if (wanted == null) {
      return null;
    }
    int letters = 0;
    int inScript = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) {
        continue;
      }
      letters++;
      if (wanted.contains(UnicodeScript.of(cp))) {
        inScript++;
      }
    }
    if (letters == 0) {
      return null;
    }
    return inScript < MIN_SHARE * letters;
  }
}
