package dev.mtforge.udfs.tokenize;

import java.io.Serializable;

/**
 * Splits a detokenized segment into space-separated tokens the way one of sacreBLEU's tokenizers
 * does, so that BLEU computed on the output matches sacreBLEU's to the last digit.
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizers.create("13a");
 * tok.tokenize("Hello, world!");   // "Hello , world !"
 * tok.signature();                 // "13a", the tok: field of a BLEU signature
 * }</pre>
 *
 * <p>Implementations are stateless or hold only per-JVM caches of loaded models, so they can be
 * shipped to Spark executors; they are safe to call from several threads.
 */
public interface Tokenizer extends Serializable {

  /** The tokenized line: tokens joined by single spaces. */
  String tokenize(String line);

  /**
   * Appends the tokens of {@code tokenize(line)} to {@code out}. Tokenizers on BLEU's hot path
   * override this to skip building the joined line.
   */
  default void tokenize(String line, Tokens out) {
    out.addSplit(tokenize(line));
  }

  /** The value of the {@code tok:} signature field, as sacreBLEU prints it. */
  String signature();
}
