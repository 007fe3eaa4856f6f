package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.inference.ModelCache;
import dev.mtforge.udfs.inference.ModelSpec;
import dev.mtforge.udfs.metrics.Comet;
import dev.mtforge.udfs.metrics.MetricSpec;
import dev.mtforge.udfs.metrics.comet.CometModel;
import dev.mtforge.udfs.metrics.comet.CometScorer;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * Scores COMET on executors. Each input row is one test segment with every system's translation
 * of it ({@link #INPUT_COLUMNS}), so a task sees all systems of a segment together and encodes
 * its source and reference once however many systems there are (N + 2 encoder passes per
 * segment for N systems, not 3N). Output rows have {@link SegmentScorer#OUTPUT}'s schema, one per
 * system, segment and COMET metric, with {@link Comet#stats} as statistics.
 *
 * <p>Models come from the JVM's {@link ModelCache} (one loaded package per executor, shared by
 * its tasks, copied from {@code s3a://} once); each task holds a lease until it completes. Rows
 * are read in windows of {@link Settings#windowSegments()} segments; inside a window the distinct
 * texts are sorted by length and batched under a token budget ({@link CometScorer}).
 */
public final class CometSegmentScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /**
   * Columns the input rows must have, in this order; {@code hypotheses} is an array of
   * {@code struct<system_id: string, hypothesis: string>}, {@code tgt_text} the reference (may
   * be null for reference-free metrics).
   */
  public static final List<String> INPUT_COLUMNS =
      List.of("dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id", "src_text", "tgt_text", "hypotheses");

  private final Settings settings;
  private final Counters counters;
  private SerializableHadoopConf hadoopConf;

  /**
   * What tasks need.
   *
   * @param specs the COMET metrics to score (each with its package)
   * @param tokenBudget padded tokens per encoder batch
   * @param maxRows texts per encoder batch
   * @param windowSegments segments read ahead and batched together
   * @param threads ONNX Runtime threads per session (0: ORT's default, every core)
   * @param device {@code cpu} or {@code gpu:N}; a task's GPU resource overrides {@code cpu}
   */
  public record Settings(List<MetricSpec> specs, int tokenBudget, int maxRows, int windowSegments, int threads,
      String device) implements Serializable {
    public Settings {
      specs = List.copyOf(specs);
      for (MetricSpec s : specs) {
        if (!s.isComet()) {
          throw new IllegalArgumentException("Metric " + s.name() + " is not a COMET metric");
        }
      }
      if (windowSegments < 1) {
        throw new IllegalArgumentException("window must be >= 1 segment, got " + windowSegments);
      }
    }
  }

  /**
   * Accumulators of what the tasks did (any may be null).
   *
   * @param encoded texts and pairs run through an encoder
   * @param tokens their tokens
   * @param paddedTokens positions fed, padding included
   * @param cpuNanos the task threads' CPU time scoring (with one ORT thread, the forward passes
   *     run on the task thread)
   */
  public record Counters(LongAccumulator encoded, LongAccumulator tokens, LongAccumulator paddedTokens,
      LongAccumulator cpuNanos) implements Serializable {}

  public CometSegmentScorer(Settings settings, Counters counters) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.counters = counters;
  }

  /** The Hadoop configuration to copy packages that live on {@code s3a://} (or any Hadoop file system). */
  public CometSegmentScorer withHadoopConf(SerializableHadoopConf conf) {
    this.hadoopConf = conf;
    return this;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return rows;
    }
    List<ModelCache.Lease<CometModel>> leases = new ArrayList<>();
    List<CometScorer> scorers = new ArrayList<>();
    List<Comet> metrics = new ArrayList<>();
    Runnable release = () -> {
      publish(scorers);
      leases.forEach(ModelCache.Lease::close);
    };
    try {
      for (MetricSpec spec : settings.specs()) {
        String uri = spec.comet().uri();
        String local = ModelPackageCopies.localize(uri, conf(uri), ModelPackageCopies.defaultRoot()).toString();
        ModelSpec model = new ModelSpec(CometModel.KIND, local, TranslatePartitions.taskDevice(settings.device()),
            settings.threads(), false);
        ModelCache.Lease<CometModel> lease = ModelCache.shared().acquire(model, CometModel::loadWarm);
        leases.add(lease);
        scorers.add(new CometScorer(lease.get(), settings.tokenBudget(), settings.maxRows()));
        metrics.add(new Comet(lease.get().manifest()));
      }
    } catch (RuntimeException e) {
      leases.forEach(ModelCache.Lease::close);
      throw e;
    }
    return WindowedRows.of(rows, (in, out) -> scoreWindow(in, scorers, metrics, out), release);
  }

  private void scoreWindow(Iterator<Row> rows, List<CometScorer> scorers, List<Comet> metrics, List<Row> out) {
    List<Row> window = new ArrayList<>();
    while (rows.hasNext() && window.size() < settings.windowSegments()) {
      window.add(rows.next());
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    List<float[]> scores = new ArrayList<>();
    for (int k = 0; k < scorers.size(); k++) {
      boolean reference = metrics.get(k).manifest().needsReference();
      List<CometScorer.Segment> segments = new ArrayList<>();
      for (Row row : window) {
        String ref = reference ? row.getString(7) : null;
        for (Row hyp : row.<Row>getList(8)) {
          segments.add(new CometScorer.Segment(row.getString(6), hyp.getString(1), ref));
        }
      }
      scores.add(scorers.get(k).score(segments));
    }
    if (counters != null && counters.cpuNanos() != null && cpu0 >= 0) {
      counters.cpuNanos().add(threads.getCurrentThreadCpuTime() - cpu0);
    }
    int i = 0;
    for (Row row : window) {
      for (Row hyp : row.<Row>getList(8)) {
        for (int k = 0; k < scorers.size(); k++) {
          Comet metric = metrics.get(k);
          float score = scores.get(k)[i];
          out.add(RowFactory.create(hyp.getString(0), row.getString(0), row.getString(1), row.getString(2),
              row.getString(3), row.isNullAt(4) ? null : row.getString(4), row.getInt(5),
              settings.specs().get(k).label(), metric.signature(0).format(), (double) score, Comet.stats(score),
              metric.manifest().needsReference() ? 1 : 0));
        }
        i++;
      }
    }
  }

  private void publish(List<CometScorer> scorers) {
    if (counters == null) {
      return;
    }
    for (CometScorer scorer : scorers) {
      CometScorer.Stats s = scorer.stats();
      add(counters.encoded(), s.encoded());
      add(counters.tokens(), s.tokens());
      add(counters.paddedTokens(), s.paddedTokens());
    }
  }

  private static void add(LongAccumulator acc, long value) {
    if (acc != null) {
      acc.add(value);
    }
  }

  private org.apache.hadoop.conf.Configuration conf(String uri) {
    if (hadoopConf == null) {
      if (ModelPackageCopies.isRemote(uri)) {
        throw new IllegalStateException("No Hadoop configuration to read " + uri + " (CometSegmentScorer.withHadoopConf)");
      }
      return null;
    }
    return hadoopConf.get();
  }
}
