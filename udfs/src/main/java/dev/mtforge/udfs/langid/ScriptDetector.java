package dev.mtforge.udfs.langid;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Whether a text is written in the script of its language, as ISO 15924 codes used by the
 * registry ({@code Latn}, {@code Cyrl}, {@code Hans}, {@code Jpan}, {@code Hang}, {@code Deva}, ...).
 *
 * <p>Text is measured in words, weighed by each script's density ({@link ScriptTokens}): one Han
 * character counts about as much as one Latin word, so a Chinese sentence that names "Google
 * Drive, Microsoft Outlook, Slack and Spotify" is still Chinese. Digits, punctuation and marks
 * count for nothing, so {@code "2024!"} matches every script. When the other side of a pair is
 * known, words in another script that also appear there (names copied as they are written) are
 * left out of the count.
 *
 * <pre>{@code
 * ScriptDetector.matches("Привет, мир", "Cyrl");                                   // true
 * ScriptDetector.measure("BBC Scotland 的 Alasdair Lamont 在 Tony Macaroni 球场", "Hans",
 *     ScriptTokens.keys("BBC Scotland's Alasdair Lamont at the Tony Macaroni Arena")).matches(); // true
 * }</pre>
 */
public final class ScriptDetector {
  /**
   * Share of a text's words (after the shared ones are left out) that must be in the expected
   * script. Below one so that names and acronyms that the other side does not repeat still pass.
   */
  public static final double MIN_SHARE_DEFAULT = 0.5;

  private ScriptDetector() {}

  /**
   * The words of a text counted by script.
   *
   * @param own weight of the words in the expected script
   * @param foreign weight of the words in other scripts, not counting shared ones
   * @param shared weight of the words in other scripts that the other side of the pair also has
   * @param otherScript the other script with the largest weight (shared words count when there
   *     is nothing else), {@code null} when every letter is in the expected script
   */
  public record Measure(double own, double foreign, double shared, String otherScript) {
    /** Share of the counted words in the expected script; 1 when nothing is counted. */
    public double share() {
      return own + foreign == 0 ? 1.0 : own / (own + foreign);
    }

    /**
     * True when the text has no letters, or has words in its own script that make up at least
     * {@link #MIN_SHARE_DEFAULT} of the counted words. A text whose letters are all in other
     * scripts fails even when the other side has the same words: it is an untranslated copy.
     */
    public boolean matches() {
      if (own + foreign + shared == 0) {
        return true;
      }
      return own > 0 && share() >= MIN_SHARE_DEFAULT;
    }
  }

  /** True when the text matches the script (see {@link Measure#matches()}); no other side. */
  public static boolean matches(String text, String expectedScript) {
    return measure(text, expectedScript, Set.of()).matches();
  }

  /** Share (0..1) of the text's words, weighed by density, in the script; 1 without letters. */
  public static double share(String text, String expectedScript) {
    return measure(text, expectedScript, Set.of()).share();
  }

  /**
   * Counts the words of {@code text} by script; words in another script whose {@link
   * ScriptTokens.Token#key() key} is in {@code otherSide} are counted as shared.
   */
  public static Measure measure(String text, String expectedScript, Set<String> otherSide) {
    Set<String> accepted = acceptedScripts(expectedScript);
    double own = 0;
    double foreign = 0;
    double shared = 0;
    Map<String, Double> foreignWeights = new HashMap<>();
    Map<String, Double> sharedWeights = new HashMap<>();
    for (ScriptTokens.Token token : ScriptTokens.of(text)) {
      if (accepted.contains(token.script())) {
        own += token.units();
      } else if (!otherSide.isEmpty() && otherSide.contains(token.key())) {
        shared += token.units();
        sharedWeights.merge(token.script(), token.units(), Double::sum);
      } else {
        foreign += token.units();
        foreignWeights.merge(token.script(), token.units(), Double::sum);
      }
    }
    return new Measure(own, foreign, shared, heaviest(foreignWeights.isEmpty() ? sharedWeights : foreignWeights));
  }

  /**
   * The script with the largest weight of words in {@code text} (Han, kana and Hangul reported as
   * {@code Hani}, {@code Hira}, {@code Kana}, {@code Hang}), or {@code null} without letters.
   */
  public static String dominantScript(String text) {
    Map<String, Double> weights = new HashMap<>();
    ScriptTokens.of(text).forEach(t -> weights.merge(t.script(), t.units(), Double::sum));
    return heaviest(weights);
  }

  private static String heaviest(Map<String, Double> weights) {
    return weights.entrySet().stream()
        .max(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  /** The Unicode scripts a registry script code accepts (Japanese mixes kanji and kana). */
  static Set<String> acceptedScripts(String registryScript) {
    return switch (registryScript) {
      case "Hans", "Hant", "Hani" -> Set.of("Hani");
      case "Jpan" -> Set.of("Hani", "Hira", "Kana");
      case "Kore", "Hang" -> Set.of("Hang", "Hani");
      default -> Set.of(registryScript);
    };
  }
}
