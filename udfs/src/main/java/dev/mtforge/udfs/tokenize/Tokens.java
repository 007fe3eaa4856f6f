package dev.mtforge.udfs.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable buffer of one line's tokens: their characters back to back, where each ends, and
 * each token's hash ({@code 31 * h + c} over its characters, as {@code String.hashCode}), computed
 * while the characters arrive so that BLEU's vocabulary need not read them again. Tokenizers fill
 * it without building a {@code String} per token, which is what BLEU's hot path needs;
 * {@link #toList()} gives the same tokens as {@code PythonText.split(tokenize(line))}.
 */
public final class Tokens {
  private static final boolean[] ASCII_SPACE = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII_SPACE[c] = PythonText.isSpace(c);
    }
  }

  private char[] chars = new char[256];
  private int[] ends = new int[64];
  private int[] hashes = new int[64];
  private int length;
  private int count;
  private int tokenStart;
  private int hash;

  /** Empties the buffer (keeps its capacity). */
  public void clear() {
    length = 0;
    count = 0;
    tokenStart = 0;
    hash = 0;
  }

  /** Drops every token after the first {@code size} (the token being built too). */
  void truncate(int size) {
    count = size;
    length = size == 0 ? 0 : ends[size - 1];
    tokenStart = length;
    hash = 0;
  }

  /** Appends a character to the token being built. */
  void append(char c) {
    if (length == chars.length) {
      chars = Arrays.copyOf(chars, length * 2);
    }
    chars[length++] = c;
    hash = 31 * hash + c;
  }

  /**
   * The 13a scanner's fast path in one loop: from {@code s[from]} (quiet), finds the run of
   * characters that {@code quiet} (ASCII) or their being non-ASCII marks as quiet, and
   * {@code split}-appends all of the run but its last character, which the scanner holds back.
   * Returns the index just past the run.
   */
  int appendQuietRun(char[] s, int from, int n, boolean[] quiet) {
    int runMax = n - from;
    if (length + runMax > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + runMax));
    }
    char[] buf = chars;
    int len = length;
    int h = hash;
    int j = from;
    char c = s[j];
    while (true) {
      int next = j + 1;
      if (next == n) {
        break;
      }
      char d = s[next];
      if (d < 128 && !quiet[d]) {
        break;
      }
      // c is not the run's last: split-append it
      if (c < 128 ? !ASCII_SPACE[c] : !PythonText.isSpace(c)) {
        buf[len++] = c;
        h = 31 * h + c;
      } else if (len != tokenStart) {
        length = len;
        hash = h;
        endToken();
        h = 0;
      }
      c = d;
      j = next;
    }
    length = len;
    hash = h;
    return j + 1;
  }

  /** Ends the token being built; does nothing if it is empty. */
  void endToken() {
    if (length == tokenStart) {
      return;
    }
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
      hashes = Arrays.copyOf(hashes, count * 2);
    }
    hashes[count] = hash;
    ends[count++] = length;
    tokenStart = length;
    hash = 0;
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

  /** The hash of token {@code i}: {@code get(i).hashCode()}. */
  public int hash(int i) {
    return hashes[i];
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
