package dev.mtforge.udfs.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable buffer of one line's tokens: their characters back to back and where each ends.
 * Tokenizers fill it without building a {@code String} per token, which is what BLEU's hot path
 * needs; {@link #toList()} gives the same tokens as {@code PythonText.split(tokenize(line))}.
 */
public final class Tokens {
  private char[] chars = new char[256];
  private int[] ends = new int[64];
  private int length;
  private int count;
  private int tokenStart;

  /** Empties the buffer (keeps its capacity). */
  public void clear() {
    length = 0;
    count = 0;
    tokenStart = 0;
  }

  /** Appends a character to the token being built. */
  void append(char c) {
    if (length == chars.length) {
      chars = Arrays.copyOf(chars, length * 2);
    }
    chars[length++] = c;
  }

  /** Ends the token being built; does nothing if it is empty. */
  void endToken() {
    if (length == tokenStart) {
      return;
    }
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
    }
    ends[count++] = length;
    tokenStart = length;
  }

  /** Appends the whitespace-separated tokens of {@code line} (Python's {@code str.split()}). */
  public void addSplit(String line) {
    for (int i = 0, n = line.length(); i < n; i++) {
      char c = line.charAt(i);
      if (PythonText.isSpace(c)) {
        endToken();
      } else {
        append(c);
      }
    }
    endToken();
  }

  /** The number of tokens. */
  public int size() {
    return count;
  }

  /** Offset of token {@code i}'s first character in {@link #chars()}. */
  public int start(int i) {
    return i == 0 ? 0 : ends[i - 1];
  }

  /** Offset just past token {@code i}'s last character. */
  public int end(int i) {
    return ends[i];
  }

  /** The backing characters (valid up to {@code end(size() - 1)}). */
  public char[] chars() {
    return chars;
  }

  /** Token {@code i} as a string. */
  public String get(int i) {
    return new String(chars, start(i), end(i) - start(i));
  }

  /** The tokens as strings. */
  public List<String> toList() {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(get(i));
    }
    return out;
  }
}
