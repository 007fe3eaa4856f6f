package dev.mtforge.jobs.prepare;

import dev.mtforge.schemas.languages.Language;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pairs in the wrong language or script, generated from aligned human translations (NTREX-128,
 * Flores) to measure the recall of the {@code wrong_script} / {@code wrong_language} filters. Every
 * generated pair is labelled {@code xx-en} and carries text that is not what the label says:
 *
 * <ul>
 *   <li>{@link Kind#SWAPPED}: the two sides exchanged (English on the xx side and vice versa);
 *   <li>{@link Kind#THIRD_LANGUAGE}: the xx side holds the same sentence in another language of the
 *       run, of the same script when there is one (ru for uk, ja for zh, de for fr);
 *   <li>{@link Kind#THIRD_LANGUAGE_EN}: the English side holds another Latin-script language;
 *   <li>{@link Kind#TRANSLITERATED}: the xx side romanized (Cyrillic and Devanagari only), as
 *       users of chat data write Russian or Hindi in Latin letters.
 * </ul>
 *
 * <p>Only for the filter benchmark ({@link FilterPrecisionBench}); nothing here is written to a
 * table.
 */
final class WrongPairSet {
  private WrongPairSet() {}

  /** How a generated pair is wrong. */
  enum Kind {
    SWAPPED("swapped sides"),
    THIRD_LANGUAGE("third language (xx side)"),
    THIRD_LANGUAGE_EN("third language (en side)"),
    TRANSLITERATED("transliterated (xx side)");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * A generated pair.
   *
   * @param kind how it is wrong
   * @param lang the xx of its {@code xx-en} label
   * @param src text on the xx side
   * @param tgt text on the English side
   * @param what what the wrong side really holds ({@code ru}, {@code en}, {@code ru-Latn})
   */
  record WrongPair(Kind kind, String lang, String src, String tgt, String what) {}

  /**
   * The wrong pairs of every language, from {@code texts}: language code → segment id → text
   * (English under {@code en}); every {@code step}-th segment present in all languages is used.
   */
  static List<WrongPair> generate(List<Language> languages, Map<String, Map<Integer, String>> texts, int step) {
    List<WrongPair> pairs = new ArrayList<>();
    Map<Integer, String> english = texts.get("en");
    List<Integer> segments = english.keySet().stream().sorted()
        .filter(seg -> texts.values().stream().allMatch(t -> t.containsKey(seg))).toList();
    for (Language xx : languages) {
      if (xx.isPivot()) {
        continue;
      }
      Language other = confuser(xx, languages);
      Language latin = latinOther(xx, languages);
      for (int i = 0; i < segments.size(); i += step) {
        int seg = segments.get(i);
        String x = texts.get(xx.code()).get(seg);
        String en = english.get(seg);
        pairs.add(new WrongPair(Kind.SWAPPED, xx.code(), en, x, "en"));
        if (other != null) {
          pairs.add(new WrongPair(Kind.THIRD_LANGUAGE, xx.code(), texts.get(other.code()).get(seg), en, other.code()));
        }
        if (latin != null) {
          pairs.add(new WrongPair(Kind.THIRD_LANGUAGE_EN, xx.code(), x, texts.get(latin.code()).get(seg), latin.code()));
        }
        if (Romanizer.handles(xx.script())) {
          pairs.add(new WrongPair(Kind.TRANSLITERATED, xx.code(), Romanizer.romanize(x), en, xx.code() + "-Latn"));
        }
      }
    }
    return pairs;
  }

  /** Another language of the run, of the same script family when there is one. */
  static Language confuser(Language xx, List<Language> languages) {
    List<Language> others = languages.stream().filter(l -> !l.isPivot() && !l.code().equals(xx.code())).toList();
    if (others.isEmpty()) {
      return null;
    }
    List<Language> sameScript = others.stream().filter(l -> family(l.script()).equals(family(xx.script()))).toList();
    List<Language> pool = sameScript.isEmpty() ? others : sameScript;
    int after = (int) pool.stream().filter(l -> l.code().compareTo(xx.code()) < 0).count();
    return pool.get(after % pool.size());
  }

  /** A Latin-script language of the run other than English and xx, for the English side. */
  private static Language latinOther(Language xx, List<Language> languages) {
    return languages.stream()
        .filter(l -> !l.isPivot() && !l.code().equals(xx.code()) && l.script().equals("Latn"))
        .findFirst().orElse(null);
  }

  private static String family(String script) {
    return Set.of("Hans", "Hant", "Jpan").contains(script) ? "Han" : script;
  }
}
