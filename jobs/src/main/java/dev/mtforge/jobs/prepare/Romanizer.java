package dev.mtforge.jobs.prepare;

import java.util.HashMap;
import java.util.Map;

/**
 * A plain romanization of Cyrillic (Russian and Ukrainian letters, close to the Russian passport
 * scheme) and Devanagari (consonants with their inherent "a", vowel signs, virama), as people
 * write Russian or Hindi in Latin letters in chats and forums. Good enough to produce realistic
 * wrong-script text for {@link WrongPairSet}; not a standard transliteration.
 */
final class Romanizer {
  private static final Map<Integer, String> CYRILLIC = new HashMap<>();
  private static final Map<Integer, String> DEVANAGARI_VOWELS = new HashMap<>();
  private static final Map<Integer, String> DEVANAGARI_SIGNS = new HashMap<>();
  private static final Map<Integer, String> DEVANAGARI_CONSONANTS = new HashMap<>();
  private static final int VIRAMA = 0x094D;
  private static final int NUKTA = 0x093C;

  static {
    String[] cyr = {
      "а", "a", "б", "b", "в", "v", "г", "g", "ґ", "g", "д", "d", "е", "e", "є", "ye", "ё", "yo", "ж", "zh",
      "з", "z", "и", "i", "і", "i", "ї", "yi", "й", "y", "к", "k", "л", "l", "м", "m", "н", "n", "о", "o",
      "п", "p", "р", "r", "с", "s", "т", "t", "у", "u", "ф", "f", "х", "kh", "ц", "ts", "ч", "ch", "ш", "sh",
      "щ", "shch", "ъ", "", "ы", "y", "ь", "", "э", "e", "ю", "yu", "я", "ya"
    };
    for (int i = 0; i < cyr.length; i += 2) {
      CYRILLIC.put(cyr[i].codePointAt(0), cyr[i + 1]);
    }
    String[] vowels = {"अ", "a", "आ", "aa", "इ", "i", "ई", "ee", "उ", "u", "ऊ", "oo", "ऋ", "ri", "ए", "e", "ऐ", "ai",
      "ओ", "o", "औ", "au", "ऑ", "o"};
    for (int i = 0; i < vowels.length; i += 2) {
      DEVANAGARI_VOWELS.put(vowels[i].codePointAt(0), vowels[i + 1]);
    }
    String[] signs = {"ा", "aa", "ि", "i", "ी", "ee", "ु", "u", "ू", "oo", "ृ", "ri", "े", "e", "ै", "ai", "ो", "o",
      "ौ", "au", "ॉ", "o", "ं", "n", "ँ", "n", "ः", "h"};
    for (int i = 0; i < signs.length; i += 2) {
      DEVANAGARI_SIGNS.put(signs[i].codePointAt(0), signs[i + 1]);
    }
    String[] consonants = {"क", "k", "ख", "kh", "ग", "g", "घ", "gh", "ङ", "n", "च", "ch", "छ", "chh", "ज", "j", "झ", "jh",
      "ञ", "n", "ट", "t", "ठ", "th", "ड", "d", "ढ", "dh", "ण", "n", "त", "t", "थ", "th", "द", "d", "ध", "dh",
      "न", "n", "प", "p", "फ", "ph", "ब", "b", "भ", "bh", "म", "m", "य", "y", "र", "r", "ल", "l", "व", "v",
      "श", "sh", "ष", "sh", "स", "s", "ह", "h", "क़", "q", "ख़", "kh", "ग़", "gh", "ज़", "z", "ड़", "r", "ढ़", "rh",
      "फ़", "f"};
    for (int i = 0; i < consonants.length; i += 2) {
      DEVANAGARI_CONSONANTS.put(consonants[i].codePointAt(0), consonants[i + 1]);
    }
  }

  private Romanizer() {}

  /** True for the registry scripts this class romanizes. */
  static boolean handles(String script) {
    return script.equals("Cyrl") || script.equals("Deva");
  }

  /** The text with Cyrillic and Devanagari letters written in Latin letters; the rest kept. */
  static String romanize(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      int lower = Character.toLowerCase(cp);
      if (CYRILLIC.containsKey(lower)) {
        String latin = CYRILLIC.get(lower);
        out.append(cp != lower && !latin.isEmpty()
            ? Character.toUpperCase(latin.charAt(0)) + latin.substring(1) : latin);
      } else if (DEVANAGARI_CONSONANTS.containsKey(cp)) {
        out.append(DEVANAGARI_CONSONANTS.get(cp));
        int next = i < text.length() ? text.codePointAt(i) : -1;
        if (next == NUKTA) {
          i += 1;
          next = i < text.length() ? text.codePointAt(i) : -1;
        }
        if (next == VIRAMA) {
          i += 1; // no inherent vowel
        } else if (!DEVANAGARI_SIGNS.containsKey(next) || next == 0x0902 || next == 0x0901 || next == 0x0903) {
          out.append('a');
        }
      } else if (DEVANAGARI_VOWELS.containsKey(cp)) {
        out.append(DEVANAGARI_VOWELS.get(cp));
      } else if (DEVANAGARI_SIGNS.containsKey(cp)) {
        out.append(DEVANAGARI_SIGNS.get(cp));
      } else if (cp == 0x0964) {
        out.append('.');
      } else if (cp != NUKTA && cp != VIRAMA) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }
}
