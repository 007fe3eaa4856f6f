package dev.mtforge.udfs.augment;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * LLaMAX's multilingual lexicon (Lu et al. 2024, after Pan et al. 2021), one hop: for each source
 * language, every word that some dictionary {@code <src>-<x>.txt} translates, with its
 * translations grouped by target language. Serializable (Java and Kryo), so it is broadcast to
 * the executors once.
 *
 * <pre>{@code
 * CodeSwitchLexicon lexicon = CodeSwitchLexicon.of(List.of(enDe, enFr, deEn));
 * lexicon.candidates("en", "house");   // de -> [Haus], fr -> [maison]
 * }</pre>
 */
public final class CodeSwitchLexicon implements Serializable {
  private static final long serialVersionUID = 1L;

  /** source language -> lower-cased word -> its translations. */
  private final Map<String, Map<String, Candidates>> bySource;

  private CodeSwitchLexicon(Map<String, Map<String, Candidates>> bySource) {
    this.bySource = bySource;
  }

  /**
   * The translations of one word, per target language. A plain class, not a record: broadcasts go
   * through Kryo, which cannot rebuild records.
   */
  public static final class Candidates implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] languages;
    private final String[][] translations;

    Candidates(String[] languages, String[][] translations) {
      this.languages = languages;
      this.translations = translations;
    }

    /** Target languages, sorted. */
    public String[] languages() {
      return languages;
    }

    /** Per language (same index as {@link #languages()}): distinct translations in file order. */
    public String[][] translations() {
      return translations;
    }
  }

  /**
   * Merges dictionaries: several files for the same pair (MUSE's {@code en-de.txt} and
   * {@code en-de.0-5000.txt}) add their distinct translations in the order given.
   */
  public static CodeSwitchLexicon of(List<MuseDictionary> dictionaries) {
    Map<String, Map<String, TreeMap<String, Set<String>>>> merged = new HashMap<>();
    for (MuseDictionary d : dictionaries) {
      Map<String, TreeMap<String, Set<String>>> words = merged.computeIfAbsent(d.srcLang(), l -> new HashMap<>());
      d.entries().forEach((word, translations) -> words.computeIfAbsent(word, w -> new TreeMap<>())
          .computeIfAbsent(d.tgtLang(), l -> new LinkedHashSet<>()).addAll(translations));
    }
    Map<String, Map<String, Candidates>> bySource = new HashMap<>();
    merged.forEach((src, words) -> {
      Map<String, Candidates> out = new HashMap<>(words.size() * 2);
      words.forEach((word, perLanguage) -> {
        String[] languages = perLanguage.keySet().toArray(new String[0]);
        String[][] translations = new String[languages.length][];
        for (int i = 0; i < languages.length; i++) {
          translations[i] = perLanguage.get(languages[i]).toArray(new String[0]);
        }
        out.put(word, new Candidates(languages, translations));
      });
      bySource.put(src, out);
    });
    return new CodeSwitchLexicon(bySource);
  }

  /** The translations of a lower-cased word of a source language, or null when it has none. */
  public Candidates candidates(String srcLang, String lowerCaseWord) {
    Map<String, Candidates> words = bySource.get(srcLang);
    return words == null ? null : words.get(lowerCaseWord);
  }

  /** True when some dictionary has words of this source language. */
  public boolean hasSource(String srcLang) {
    return bySource.containsKey(srcLang);
  }

  /** Source languages with at least one dictionary, sorted. */
  public List<String> sourceLanguages() {
    List<String> out = new ArrayList<>(bySource.keySet());
    out.sort(null);
    return out;
  }
}
