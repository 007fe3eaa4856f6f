package dev.mtforge.jobs.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One system's pair scores on one test set and metric as a source × target matrix, with LLaMAX's
 * summary (Lu et al. 2024, Tables 3–4): per language, the mean over its directions as source
 * (X→all) and as target (all→X), and the same means over the directions whose source (or target)
 * has a given resource level.
 *
 * <pre>{@code
 * DirectionMatrix m = DirectionMatrix.of(List.of(new Cell("de", "cs", 21.3), ...), registry::resourceOf);
 * m.fromLanguage("de");   // mean of de->* scores
 * }</pre>
 */
public final class DirectionMatrix {
  /**
   * A pair score.
   *
   * @param src source language
   * @param tgt target language
   * @param score corpus score of the pair
   */
  public record Cell(String src, String tgt, double score) {}

  /**
   * The summary of one language or resource level.
   *
   * @param label the language code or resource level
   * @param resource the language's resource level (the level itself for a level row)
   * @param fromAll mean of the directions out of it (X→all), with their count
   * @param toAll mean of the directions into it (all→X), with their count
   */
  public record Summary(String label, String resource, Mean fromAll, Mean toAll) {}

  /**
   * A mean and the number of scores it is of.
   *
   * @param value the mean, empty when there are no scores
   * @param count how many scores
   */
  public record Mean(OptionalDouble value, int count) {
    static Mean of(List<Double> scores) {
      return new Mean(scores.stream().mapToDouble(Double::doubleValue).average(), scores.size());
    }
  }

  private final List<String> languages;
  private final Map<String, Map<String, Double>> scores;
  private final Function<String, String> resourceOf;

  private DirectionMatrix(List<String> languages, Map<String, Map<String, Double>> scores,
      Function<String, String> resourceOf) {
    this.languages = languages;
    this.scores = scores;
    this.resourceOf = resourceOf;
  }

  /**
   * The matrix of some pair scores; languages are ordered English first, then by code.
   *
   * @param resourceOf a language's resource level ({@code Low}, {@code Mid}, {@code High}, or
   *     {@code ?} when unknown)
   */
  public static DirectionMatrix of(List<Cell> cells, Function<String, String> resourceOf) {
    TreeSet<String> langs = new TreeSet<>(Comparator.comparing((String l) -> !l.equals("en")).thenComparing(l -> l));
    Map<String, Map<String, Double>> scores = new TreeMap<>();
    for (Cell c : cells) {
      langs.add(c.src());
      langs.add(c.tgt());
      scores.computeIfAbsent(c.src(), s -> new TreeMap<>()).put(c.tgt(), c.score());
    }
    return new DirectionMatrix(new ArrayList<>(langs), scores, resourceOf);
  }

  /** The languages of the rows and columns, English first, then by code. */
  public List<String> languages() {
    return languages;
  }

  /** The score of {@code src -> tgt}, or null when the pair was not scored. */
  public Double score(String src, String tgt) {
    Map<String, Double> row = scores.get(src);
    return row == null ? null : row.get(tgt);
  }

  /** The number of scored pairs. */
  public int pairs() {
    return scores.values().stream().mapToInt(Map::size).sum();
  }

  /** Lowest and highest score (the colour scale). */
  public double[] range() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Map<String, Double> row : scores.values()) {
      for (double v : row.values()) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return new double[] {lo, hi};
  }

  /** Per language: X→all and all→X. */
  public List<Summary> byLanguage() {
    List<Summary> out = new ArrayList<>();
    for (String l : languages) {
      out.add(new Summary(l, resourceOf.apply(l), Mean.of(collect(l, null)), Mean.of(collect(null, l))));
    }
    return out;
  }

  /**
   * Per resource level (Low, Mid, High, in that order, those present): the mean of the directions
   * whose source has that level, and of those whose target has it.
   */
  public List<Summary> byResource() {
    Map<String, List<Double>> from = new LinkedHashMap<>();
    Map<String, List<Double>> to = new LinkedHashMap<>();
    for (String level : List.of("Low", "Mid", "High", "?")) {
      from.put(level, new ArrayList<>());
      to.put(level, new ArrayList<>());
    }
    scores.forEach((src, row) -> row.forEach((tgt, v) -> {
      from.computeIfAbsent(resourceOf.apply(src), k -> new ArrayList<>()).add(v);
      to.computeIfAbsent(resourceOf.apply(tgt), k -> new ArrayList<>()).add(v);
    }));
    List<Summary> out = new ArrayList<>();
    from.forEach((level, values) -> {
      if (!values.isEmpty() || !to.get(level).isEmpty()) {
        out.add(new Summary(level, level, Mean.of(values), Mean.of(to.get(level))));
      }
    });
    return out;
  }

  private List<Double> collect(String src, String tgt) {
    List<Double> out = new ArrayList<>();
    scores.forEach((s, row) -> row.forEach((t, v) -> {
      if ((src == null || src.equals(s)) && (tgt == null || tgt.equals(t))) {
        out.add(v);
      }
    }));
    return out;
  }
}
