package dev.mtforge.udfs.langid;

import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import dev.mtforge.schemas.languages.Language;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Language identification restricted to the languages of a run: lingua (high accuracy mode unless
 * another {@link LinguaAccuracy} is asked for) for
 * the languages it knows, a script check for the others (lingua 1.2.2 lacks Galician, Malagasy,
 * Nepali, Kyrgyz and Uzbek). Used by the data filters ({@code wrong_script}, {@code
 * wrong_language}) and by inference for off-target detection.
 *
 * <pre>{@code
 * LanguageIdentifier id = LanguageIdentifier.shared(List.of(en, de, cs));   // one per JVM and set
 * id.check("Das ist ein deutscher Satz.", "cs").verdict();               // WRONG_LANGUAGE
 * id.detect("Das ist ein deutscher Satz.");                               // Optional[de]
 * id.check("Hut ab vor Karl.", "de", "Hats off to Karl.", LanguageCheckSettings.defaults()); // OK
 * }</pre>
 *
 * <p>Two rules: prepare's filters pass the other side of the pair and {@link
 * LanguageCheckSettings#defaults()} (names shared with the other side are left out, short texts
 * and close calls are not rejected); translate's off-target flag uses {@link #identify} with
 * {@link LanguageCheckSettings#offTarget()}.
 *
 * <p>Thread-safe. Restricting lingua to the run's languages keeps memory low (all 75 models need
 * about 1.6 GiB) and avoids confusing a language with one that is not in the data at all.
 */
public final class LanguageIdentifier {
  /** Registry codes lingua 1.2.2 has no model for; these fall back to the script check. */
  public static final SortedSet<String> SCRIPT_ONLY_CODES =
      new TreeSet<>(List.of("gl", "mg", "ne", "ky", "uz"));

  private static final Map<String, LanguageIdentifier> SHARED = new ConcurrentHashMap<>();

  private final Map<String, Language> languages;
  private final Map<com.github.pemistahl.lingua.api.Language, String> linguaToCode;
  private final Map<String, com.github.pemistahl.lingua.api.Language> codeToLingua;
  private final LinguaAccuracy accuracy;
  private volatile LanguageDetector detector;

  private LanguageIdentifier(Collection<Language> languages, LinguaAccuracy accuracy) {
    Map<String, Language> byCode = new LinkedHashMap<>();
    Map<com.github.pemistahl.lingua.api.Language, String> toCode =
        new EnumMap<>(com.github.pemistahl.lingua.api.Language.class);
    Map<String, com.github.pemistahl.lingua.api.Language> toLingua = new LinkedHashMap<>();
    for (Language language : languages) {
      byCode.put(language.code(), language);
      linguaLanguage(language.code())
          .filter(lingua -> accuracy != LinguaAccuracy.OFF)
          .ifPresent(
              lingua -> {
                toCode.put(lingua, language.code());
                toLingua.put(language.code(), lingua);
              });
    }
    this.languages = Map.copyOf(byCode);
    this.linguaToCode = toCode;
    this.codeToLingua = Map.copyOf(toLingua);
    this.accuracy = accuracy;
  }

  /** A new identifier for these languages (prefer {@link #shared}: lingua models are large). */
  public static LanguageIdentifier of(Collection<Language> languages) {
    return of(languages, LinguaAccuracy.HIGH);
  }

  /** A new identifier using lingua in the given mode ({@code OFF}: every language script-only). */
  public static LanguageIdentifier of(Collection<Language> languages, LinguaAccuracy accuracy) {
    if (languages.isEmpty()) {
      throw new IllegalArgumentException("A language identifier needs at least one language");
    }
    return new LanguageIdentifier(languages, accuracy);
  }

  /** The JVM-wide identifier for this set of languages (lingua high accuracy), built on first use. */
  public static LanguageIdentifier shared(Collection<Language> languages) {
    return shared(languages, LinguaAccuracy.HIGH);
  }

  /** The JVM-wide identifier for this set of languages and lingua mode, built on first use. */
  public static LanguageIdentifier shared(Collection<Language> languages, LinguaAccuracy accuracy) {
    SortedSet<String> codes = new TreeSet<>();
    languages.forEach(l -> codes.add(l.code()));
    return SHARED.computeIfAbsent(accuracy.label() + ":" + codes, k -> of(languages, accuracy));
  }

  /** The lingua language for a registry code, if lingua knows it ({@code no} maps to Bokmål). */
  public static Optional<com.github.pemistahl.lingua.api.Language> linguaLanguage(String code) {
    if (SCRIPT_ONLY_CODES.contains(code)) {
      return Optional.empty();
    }
    String iso = "no".equals(code) ? "NB" : code.toUpperCase(Locale.ROOT);
    try {
      IsoCode639_1 isoCode = IsoCode639_1.valueOf(iso);
      com.github.pemistahl.lingua.api.Language language =
          com.github.pemistahl.lingua.api.Language.Companion.getByIsoCode639_1(isoCode);
      return language == com.github.pemistahl.lingua.api.Language.UNKNOWN
          ? Optional.empty()
          : Optional.of(language);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Codes this identifier knows, lingua-backed or script-only. */
  public SortedSet<String> codes() {
    return new TreeSet<>(languages.keySet());
  }

  /** True when {@code code} is checked only by its script. */
  public boolean scriptOnly(String code) {
    return languages.containsKey(code) && !codeToLingua.containsKey(code);
  }

  /**
   * Checks that {@code text} is in language {@code expectedCode}, without another side, with the
   * off-target rule ({@link LanguageCheckSettings#offTarget()}; see {@link #check(String, String,
   * String, LanguageCheckSettings)}).
   */
  public LanguageCheck check(String text, String expectedCode) {
    return check(text, expectedCode, null, LanguageCheckSettings.offTarget());
  }

  /**
   * Checks that {@code text} is in language {@code expectedCode}: first its script ({@link
   * ScriptDetector}: words weighed by script density; words in another script that {@code
   * otherSide} also has are left out), then, for languages lingua knows, lingua's confidences
   * among this identifier's languages. Capitalized words shared with {@code otherSide} (names,
   * titles) are taken out of the text lingua sees; a text with fewer than {@code
   * settings.minLetters()} letters left is not given to lingua, and lingua rejects only when the
   * expected language's confidence is {@code settings.minMargin()} below the detected one's.
   *
   * @param otherSide the other side of the pair, or null
   */
  public LanguageCheck check(String text, String expectedCode, String otherSide, LanguageCheckSettings settings) {
    return check(text, expectedCode, otherSide, settings, linguaOnce(text));
  }

  private LanguageCheck check(
      String text, String expectedCode, String otherSide, LanguageCheckSettings settings, Lingua lingua) {
    Language expected = languages.get(expectedCode);
    if (expected == null) {
      throw new IllegalArgumentException(
          "Language '" + expectedCode + "' is not one of this identifier's languages " + codes());
    }
    Set<String> otherWords = otherSide == null ? Set.of() : ScriptTokens.keys(otherSide);
    ScriptDetector.Measure script = ScriptDetector.measure(text, expected.script(), otherWords);
    if (!script.matches()) {
      return new LanguageCheck(LanguageCheck.Verdict.WRONG_SCRIPT, expectedCode, script.otherScript(), "script");
    }
    if (!codeToLingua.containsKey(expectedCode)) {
      return new LanguageCheck(LanguageCheck.Verdict.OK, expectedCode, null, "script");
    }
    String forLingua = otherWords.isEmpty() ? text : withoutSharedNames(text, otherWords);
    if (letters(forLingua) < settings.minLetters()) {
      return new LanguageCheck(LanguageCheck.Verdict.OK, expectedCode, null, "script");
    }
    Map<String, Double> confidences = forLingua.equals(text) ? lingua.get() : confidences(forLingua);
    Optional<String> top = top(confidences);
    if (top.isPresent() && !top.get().equals(expectedCode)) {
      if (settings.rejects(confidences.get(top.get()), confidences.getOrDefault(expectedCode, 0.0))) {
        return new LanguageCheck(LanguageCheck.Verdict.WRONG_LANGUAGE, expectedCode, top.get(), "lingua",
            confidences.get(top.get()), confidences.getOrDefault(expectedCode, 0.0));
      }
    }
    return new LanguageCheck(LanguageCheck.Verdict.OK, expectedCode, null, "lingua");
  }

  /** The text with capitalized words that the other side also has blanked out (names, titles). */
  static String withoutSharedNames(String text, Set<String> otherWords) {
    StringBuilder out = null;
    for (ScriptTokens.Token token : ScriptTokens.of(text)) {
      if (token.capitalized() && otherWords.contains(token.key())) {
        if (out == null) {
          out = new StringBuilder(text);
        }
        for (int i = token.start(); i < token.end(); i++) {
          out.setCharAt(i, ' ');
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * The most likely language of {@code text} among this identifier's languages: lingua's choice
   * when it makes one, else the only script-only language whose script matches; empty when
   * nothing fits (no letters, an unknown script, or several script-only candidates).
   */
  public Optional<String> detect(String text) {
    return detect(text, linguaOnce(text));
  }

  /**
   * {@link #check} and {@link #detect} of one text, running lingua at most once (the two together
   * are the off-target columns of a translation; lingua is most of their cost).
   */
  public Identification identify(String text, String expectedCode) {
    Lingua lingua = linguaOnce(text);
    return new Identification(check(text, expectedCode, null, LanguageCheckSettings.offTarget(), lingua),
        detect(text, lingua));
  }

  /**
   * What {@link #identify} found.
   *
   * @param check the verdict on the expected language
   * @param detected the most likely language, if any
   */
  public record Identification(LanguageCheck check, Optional<String> detected) {}

  private Optional<String> detect(String text, Lingua linguaResult) {
    Optional<String> lingua = letters(text) == 0 ? Optional.empty() : top(linguaResult.get());
    if (lingua.isPresent()
        && ScriptDetector.matches(text, languages.get(lingua.get()).script())) {
      return lingua;
    }
    List<String> candidates = new ArrayList<>();
    for (Language language : languages.values()) {
      if (scriptOnly(language.code()) && ScriptDetector.matches(text, language.script())) {
        candidates.add(language.code());
      }
    }
    if (candidates.size() == 1 && letters(text) > 0) {
      return Optional.of(candidates.get(0));
    }
    return lingua;
  }

  /** Lingua's confidences for one text, computed on first use and then remembered. */
  private final class Lingua {
    private final String text;
    private Map<String, Double> result;

    Lingua(String text) {
      this.text = text;
    }

    Map<String, Double> get() {
      if (result == null) {
        result = confidences(text);
      }
      return result;
    }
  }

  private Lingua linguaOnce(String text) {
    return new Lingua(text);
  }

  /**
   * Lingua's confidence per registry code, highest first: lingua 1.2.2 gives its preferred
   * language 1.0 and the others values relative to it (they do not sum to 1); empty when fewer
   * than two lingua languages are in play (lingua needs two to choose from).
   */
  private Map<String, Double> confidences(String text) {
    if (codeToLingua.size() < 2) {
      return Map.of();
    }
    Map<String, Double> out = new LinkedHashMap<>();
    detector().computeLanguageConfidenceValues(text).forEach((language, confidence) -> {
      String code = linguaToCode.get(language);
      if (code != null) {
        out.put(code, confidence);
      }
    });
    return out;
  }

  /** The language with the highest confidence, empty when there is none or two tie (lingua's rule). */
  private static Optional<String> top(Map<String, Double> confidences) {
    if (confidences.isEmpty()) {
      return Optional.empty();
    }
    List<Map.Entry<String, Double>> entries = new ArrayList<>(confidences.entrySet());
    if (entries.size() > 1 && entries.get(0).getValue().equals(entries.get(1).getValue())) {
      return Optional.empty();
    }
    return Optional.of(entries.get(0).getKey());
  }

  private LanguageDetector detector() {
    LanguageDetector current = detector;
    if (current == null) {
      synchronized (this) {
        current = detector;
        if (current == null) {
          LanguageDetectorBuilder builder =
              LanguageDetectorBuilder.fromLanguages(
                  codeToLingua.values().toArray(new com.github.pemistahl.lingua.api.Language[0]));
          current = accuracy == LinguaAccuracy.LOW ? builder.withLowAccuracyMode().build() : builder.build();
          detector = current;
        }
      }
    }
    return current;
  }

  private static int letters(String text) {
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetter(cp)) {
        count++;
      }
    }
    return count;
  }
}
