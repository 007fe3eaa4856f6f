package dev.mtforge.udfs.metrics.comet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scores segments with a {@link CometModel}, encoding each distinct text once per call.
 *
 * <p>COMET's own {@code predict} encodes source, translation and reference of every segment:
 * 3 encoder passes per segment and system. Here the texts of one call are first made distinct,
 * so N systems scored on the same test set in one call cost N + 2 passes per segment (fewer when
 * systems agree on a translation). Distinct texts are sorted by token count, longest first, and
 * cut into batches of at most {@code tokenBudget} padded tokens ({@code rows × longest}) and
 * {@code maxRows} rows; a batch of 1,024 padded tokens or more also closes before its padding
 * passes 10 %, so the long tail of lengths does not pad a whole budget to its longest text. The estimator then runs on the gathered
 * embeddings in batches of {@code maxRows}.
 *
 * <pre>{@code
 * CometScorer scorer = new CometScorer(model, 8192, 64);
 * float[] scores = scorer.score(List.of(new CometScorer.Segment("Hallo Welt.", "Hello world.", "Hello, world.")));
 * }</pre>
 *
 * Not thread-safe (it counts what it did); one per task.
 */
public final class CometScorer {
  /** Default {@code tokenBudget}: padded tokens per encoder batch. */
  public static final int TOKEN_BUDGET_DEFAULT = 8192;
  /** Default {@code maxRows}: texts per encoder batch, segments per estimator batch. */
  public static final int MAX_ROWS_DEFAULT = 64;
  /** Padded tokens from which a batch is worth closing rather than padding more. */
  static final int MIN_BATCH_TOKENS = 1024;
  /** Share of padding a batch of at least {@link #MIN_BATCH_TOKENS} may reach. */
  static final double MAX_PADDING = 0.1;

  private final CometModel model;
  private final int tokenBudget;
  private final int maxRows;
  private final Counts counts = new Counts();

  /**
   * One segment.
   *
   * @param source the source text
   * @param translation the system output
   * @param reference the reference, or null for a reference-free (unified) model
   */
  public record Segment(String source, String translation, String reference) {
    public Segment {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(translation, "translation");
    }
  }

  /**
   * What the scorer did so far (additive over calls).
   *
   * @param segments segments scored
   * @param encoded texts (or unified pairs) run through the encoder
   * @param tokens their tokens
   * @param paddedTokens token positions fed, padding included
   * @param batches encoder runs
   */
  public record Stats(long segments, long encoded, long tokens, long paddedTokens, long batches) {
    /** Share of fed positions that were padding. */
    public double paddingWaste() {
      return paddedTokens == 0 ? 0 : 1.0 - (double) tokens / paddedTokens;
    }
  }

  public CometScorer(CometModel model, int tokenBudget, int maxRows) {
    if (tokenBudget < 1 || maxRows < 1) {
      throw new IllegalArgumentException("token budget and rows per batch must be >= 1, got " + tokenBudget + ", " + maxRows);
    }
    this.model = Objects.requireNonNull(model, "model");
    this.tokenBudget = tokenBudget;
    this.maxRows = maxRows;
  }

  public Stats stats() {
    return new Stats(counts.segments, counts.encoded, counts.tokens, counts.padded, counts.batches);
  }

  /** The scores of the segments, in order. */
  public float[] score(List<Segment> segments) {
    if (segments.isEmpty()) {
      return new float[0];
    }
    CometManifest m = model.manifest();
    CometTokenizer tokenizer = model.tokenizer();
    Map<String, Integer> texts = new LinkedHashMap<>();
    List<long[]> textIds = new ArrayList<>();
    int n = segments.size();
    int[][] index = new int[n][];
    for (int i = 0; i < n; i++) {
      Segment s = segments.get(i);
      if (m.needsReference() && s.reference() == null) {
        throw new IllegalArgumentException(
            "COMET model " + m.name() + " (" + m.modelClass() + ") needs a reference; segment " + i + " has none");
      }
      int src = id(texts, textIds, s.source(), tokenizer);
      int mt = id(texts, textIds, s.translation(), tokenizer);
      index[i] = m.unified() ? new int[] {mt, src} : new int[] {mt, id(texts, textIds, s.reference(), tokenizer), src};
    }
    float[] scores = new float[n];
    if (m.unified()) {
      Map<Long, Integer> pairs = new HashMap<>();
      List<long[]> pairIds = new ArrayList<>();
      int[] row = new int[n];
      for (int i = 0; i < n; i++) {
        long key = ((long) index[i][0] << 32) | index[i][1];
        Integer at = pairs.get(key);
        if (at == null) {
          at = pairIds.size();
          pairs.put(key, at);
          pairIds.add(tokenizer.pair(textIds.get(index[i][0]), textIds.get(index[i][1])));
        }
        row[i] = at;
      }
      float[][] emb = embedAll(pairIds);
      for (int from = 0; from < n; from += maxRows) {
        int to = Math.min(n, from + maxRows);
        float[][] batch = new float[to - from][];
        for (int i = from; i < to; i++) {
          batch[i - from] = emb[row[i]];
        }
        System.arraycopy(model.estimate(List.<float[][]>of(batch)), 0, scores, from, to - from);
      }
    } else {
      float[][] emb = embedAll(textIds);
      for (int from = 0; from < n; from += maxRows) {
        int to = Math.min(n, from + maxRows);
        float[][][] inputs = new float[3][to - from][];
        for (int i = from; i < to; i++) {
          for (int k = 0; k < 3; k++) {
            inputs[k][i - from] = emb[index[i][k]];
          }
        }
        System.arraycopy(model.estimate(Arrays.asList(inputs)), 0, scores, from, to - from);
      }
    }
    counts.segments += n;
    return scores;
  }

  private static int id(Map<String, Integer> texts, List<long[]> ids, String text, CometTokenizer tokenizer) {
    Integer at = texts.get(text);
    if (at == null) {
      at = ids.size();
      texts.put(text, at);
      ids.add(tokenizer.encode(text));
    }
    return at;
  }

  /** Embeddings of token sequences: longest first, batches under the token budget. */
  private float[][] embedAll(List<long[]> sequences) {
    Integer[] order = new Integer[sequences.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> sequences.get(i).length).reversed());
    float[][] out = new float[sequences.size()][];
    int start = 0;
    while (start < order.length) {
      int width = sequences.get(order[start]).length;
      int end = start + 1;
      long real = width;
      while (end < order.length && end - start < maxRows && (long) (end - start + 1) * width <= tokenBudget) {
        long padded = (long) (end - start + 1) * width;
        int next = sequences.get(order[end]).length;
        // a batch that already keeps the GEMMs busy closes before padding would pass MAX_PADDING:
        // the long tail of lengths would otherwise pad a whole budget to its longest text
        if (padded > MIN_BATCH_TOKENS && real + next < (1 - MAX_PADDING) * padded) {
          break;
        }
        real += next;
        end++;
      }
      List<long[]> batch = new ArrayList<>(end - start);
      for (int k = start; k < end; k++) {
        long[] seq = sequences.get(order[k]);
        batch.add(seq);
        counts.tokens += seq.length;
      }
      float[][] emb = model.embed(batch);
      for (int k = start; k < end; k++) {
        out[order[k]] = emb[k - start];
      }
      counts.padded += (long) (end - start) * width;
      counts.encoded += end - start;
      counts.batches++;
      start = end;
    }
    return out;
  }

  private static final class Counts {
    long segments;
    long encoded;
    long tokens;
    long padded;
    long batches;
  }
}
