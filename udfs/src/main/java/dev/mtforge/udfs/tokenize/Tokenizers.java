package dev.mtforge.udfs.tokenize;

import java.util.List;
import java.util.Locale;

/**
 * Tokenizers by sacreBLEU name, and sacreBLEU's choice of default tokenizer per target language.
 *
 * <pre>{@code
 * Tokenizer zh = Tokenizers.create("zh");
 * Tokenizer spm = Tokenizers.create("flores200", TokenizerOptions.spmModel("/models/flores200.model"));
 * Tokenizer forJa = Tokenizers.create(Tokenizers.defaultFor("ja"));   // ja-mecab
 * }</pre>
 */
public final class Tokenizers {

  /** sacreBLEU's default tokenizer (mteval-v13a). */
  public static final String DEFAULT = "13a";

  /** Every tokenizer name mtforge knows, as sacreBLEU spells them. */
  public static final List<String> NAMES =
      List.of("13a", "char", "flores101", "flores200", "intl", "ja-mecab", "none", "zh");

  private Tokenizers() {}

  /** A built-in tokenizer; SentencePiece ones need {@link #create(String, String)}. */
  public static Tokenizer create(String name) {
    return create(name, null);
  }

  /**
   * A tokenizer by name.
   *
   * @param name one of {@link #NAMES}
   * @param spmModel the SentencePiece model file for {@code flores101}/{@code flores200} (the
   *     files sacreBLEU downloads; they cannot be downloaded at run time here), else ignored
   * @throws IllegalArgumentException for an unknown name or a missing model file
   */
  public static Tokenizer create(String name, String spmModel) {
    String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return switch (key) {
      case "13a" -> new Tokenizer13a();
      case "intl" -> new TokenizerIntl();
      case "zh" -> new TokenizerZh();
      case "char" -> new TokenizerChar();
      case "none" -> new TokenizerNone();
      case "flores101", "flores200" -> TokenizerSpm.of(key, spmModel);
      case "ja-mecab" -> new TokenizerJaMecab();
      default ->
          throw new IllegalArgumentException(
              "Unknown tokenizer '" + name + "'; known: " + String.join(", ", NAMES));
    };
  }

  /**
   * sacreBLEU's tokenizer for a target language when none is given: {@code zh} for Chinese,
   * {@code ja-mecab} for Japanese, {@code 13a} otherwise (sacreBLEU would pick {@code ko-mecab}
   * for Korean; ALMA's scripts and mtforge use 13a there, as the brief says).
   */
  public static String defaultFor(String targetLanguage) {
    if (targetLanguage == null) {
      return DEFAULT;
    }
    return switch (targetLanguage.toLowerCase(Locale.ROOT)) {
      case "zh" -> "zh";
      case "ja" -> "ja-mecab";
      default -> DEFAULT;
    };
  }
}
