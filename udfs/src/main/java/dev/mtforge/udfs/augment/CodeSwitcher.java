package dev.mtforge.udfs.augment;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Dictionary-based code-switching of a source sentence (LLaMAX's augmentation of parallel data):
 * each word that the lexicon translates is replaced, with probability {@code ratio}, by one of its
 * translations, the target language chosen uniformly among the languages that translate the word,
 * then the translation uniformly among that language's.
 *
 * <p>Words are maximal runs of letters, digits and combining marks; everything between them
 * (spaces, punctuation) is kept as it is, and so is the case of the words that are not replaced.
 * Chinese and Japanese text has no spaces, so a run of Han or kana characters is one "word" and is
 * rarely in a dictionary (LLaMAX segments Chinese with Jieba; we do not).
 *
 * <p>Every choice is a hash of the seed, the example's key and the word's position: the result
 * depends on nothing else (not on partitioning, order or other examples), and the same seed gives
 * the same augmented text.
 *
 * <pre>{@code
 * CodeSwitcher cs = new CodeSwitcher(lexicon, 0.3, 42);
 * CodeSwitcher.Result r = cs.apply("The house is small.", "en", "pair-key");
 * r.text();          // "The Haus is klein."
 * r.replacements();  // 2
 * }</pre>
 */
public final class CodeSwitcher implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final CodeSwitchLexicon lexicon;
  private final double ratio;
  private final long seed;

  /**
   * @param ratio probability that a word found in the lexicon is replaced, in [0, 1]
   * @param seed makes the choices reproducible
   */
  public CodeSwitcher(CodeSwitchLexicon lexicon, double ratio, long seed) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("code-switch ratio must be in [0, 1], got " + ratio);
    }
    this.lexicon = Objects.requireNonNull(lexicon, "lexicon");
    this.ratio = ratio;
    this.seed = seed;
  }

  /**
   * A code-switched sentence.
   *
   * @param text the sentence with the replaced words
   * @param replacements how many words were replaced
   */
  public record Result(String text, int replacements) {}

  /**
   * Code-switches one source sentence.
   *
   * @param text the sentence
   * @param srcLang its language (the lexicon's source language)
   * @param key identifies the example (same key, same choices)
   */
  public Result apply(String text, String srcLang, String key) {
    if (!lexicon.hasSource(srcLang) || ratio == 0) {
      return new Result(text, 0);
    }
    long base = mix(seed ^ mix(fnv64(key)));
    StringBuilder out = null;
    int replacements = 0;
    int word = 0;
    int copied = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!Character.isLetterOrDigit(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int begin = i;
      i += Character.charCount(cp);
      while (i < n && isWordPart(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      long h = mix(base + GOLDEN * (word + 1));
      word++;
      CodeSwitchLexicon.Candidates found = lexicon.candidates(srcLang, text.substring(begin, i).toLowerCase(Locale.ROOT));
      if (found == null || unit(h) >= ratio) {
        continue;
      }
      long h2 = mix(h ^ GOLDEN);
      int language = (int) Long.remainderUnsigned(h2, found.languages().length);
      String[] translations = found.translations()[language];
      String replacement = translations[(int) Long.remainderUnsigned(mix(h2 + GOLDEN), translations.length)];
      if (out == null) {
        out = new StringBuilder(n + 16);
      }
      out.append(text, copied, begin).append(replacement);
      copied = i;
      replacements++;
    }
    if (out == null) {
      return new Result(text, 0);
    }
    return new Result(out.append(text, copied, n).toString(), replacements);
  }

  /** The probability that a word found in the lexicon is replaced. */
  public double ratio() {
    return ratio;
  }

  private static boolean isWordPart(int cp) {
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /** A double in [0, 1) from the top 53 bits. */
  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  // SplitMix64's finaliser: a bijection with good avalanche, so nearby inputs give unrelated bits.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long fnv64(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
