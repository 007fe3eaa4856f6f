package dev.mtforge.jobs.multiway;

import java.io.Serializable;
import java.util.Objects;

/**
 * An ordered language pair, {@code de-cs}: ISO 639-1 codes of the registry.
 *
 * @param src source language
 * @param tgt target language
 */
public record Direction(String src, String tgt) implements Serializable, Comparable<Direction> {
  public Direction {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(tgt, "tgt");
  }

  /** {@code xx-en}, {@code en-xx} or {@code xx-yy}, as the tables spell directions. */
  public String kind() {
    if (tgt.equals("en")) {
      return "xx-en";
    }
    return src.equals("en") ? "en-xx" : "xx-yy";
  }

  @Override
  public int compareTo(Direction other) {
    int c = src.compareTo(other.src);
    return c != 0 ? c : tgt.compareTo(other.tgt);
  }

  @Override
  public String toString() {
    return src + "-" + tgt;
  }
}
