package dev.mtforge.udfs.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the tokens an HF tokenizer gives a text, without special tokens (BOS/EOS are not part of
 * the text): the numerator of tokenizer fertility. One instance per tokenizer per JVM, through
 * {@link #shared(String, Supplier)}; DJL's native tokenizer is safe to call from several task threads.
 *
 * <pre>{@code
 * long tokens = TokenCounter.shared(sha256, () -> bytes).count("Ein Satz.");
 * }</pre>
 */
public final class TokenCounter {
  private static final Logger LOG = LoggerFactory.getLogger(TokenCounter.class);
  private static final Map<String, TokenCounter> SHARED = new ConcurrentHashMap<>();

  private final HuggingFaceTokenizer tokenizer;

  private TokenCounter(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * The JVM's counter for the tokenizer whose {@code tokenizer.json} content hashes to
   * {@code contentKey}; {@code content} is read only the first time. Never closed: it lives as
   * long as the executor.
   */
  public static TokenCounter shared(String contentKey, Supplier<byte[]> content) {
    return SHARED.computeIfAbsent(contentKey, key -> {
      long start = System.nanoTime();
      TokenCounter counter = of(content.get());
      LOG.info("Loaded tokenizer {} for token counts in {} ms", key, (System.nanoTime() - start) / 1_000_000);
      return counter;
    });
  }

  /** A new counter over the content of a {@code tokenizer.json}; throws if DJL cannot load it. */
  public static TokenCounter of(byte[] tokenizerJson) {
    try {
      return new TokenCounter(HfTokenizers.load(new ByteArrayInputStream(tokenizerJson)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tokens of {@code text}, special tokens excluded; 0 for an empty text. */
  public long count(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    return tokenizer.encode(text, false, false).getIds().length;
  }
}
