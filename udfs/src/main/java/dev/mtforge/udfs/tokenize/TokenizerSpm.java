package dev.mtforge.udfs.tokenize;

import ai.djl.sentencepiece.SpTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * sacreBLEU's SentencePiece tokenizers for spBLEU ({@code flores101}, {@code flores200}): the
 * pieces of {@code EncodeAsPieces}, joined by spaces. The model file is the user's: sacreBLEU
 * downloads it, which is impossible here, so it must be given (e.g. {@code --spm-model}).
 *
 * <p>The native model is loaded once per JVM and model path (executors included) and never
 * closed: tokenizers are shared by every task of the JVM.
 */
public final class TokenizerSpm implements Tokenizer {
  private static final long serialVersionUID = 1L;
  private static final Map<String, SpTokenizer> MODELS = new ConcurrentHashMap<>();

  private final String name;
  private final String modelPath;

  private TokenizerSpm(String name, String modelPath) {
    this.name = name;
    this.modelPath = modelPath;
  }

  /** A SentencePiece tokenizer whose signature is {@code name}, reading {@code modelPath}. */
  static TokenizerSpm of(String name, String modelPath) {
    if (modelPath == null || modelPath.isBlank()) {
      throw new IllegalArgumentException(
          "Tokenizer '" + name + "' needs its SentencePiece model file: pass --spm-model <path>"
              + " (sacreBLEU downloads it; mtforge cannot download it)");
    }
    if (!Files.isRegularFile(Path.of(modelPath))) {
      throw new IllegalArgumentException(
          "Tokenizer '" + name + "': SentencePiece model file " + modelPath + " does not exist");
    }
    return new TokenizerSpm(name, modelPath);
  }

  @Override
  public String tokenize(String line) {
    return String.join(" ", model().getProcessor().tokenize(line));
  }

  private SpTokenizer model() {
    return MODELS.computeIfAbsent(
        modelPath,
        p -> {
          try {
            return new SpTokenizer(Path.of(p));
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot load SentencePiece model " + p, e);
          }
        });
  }

  @Override
  public String signature() {
    return name;
  }
}
