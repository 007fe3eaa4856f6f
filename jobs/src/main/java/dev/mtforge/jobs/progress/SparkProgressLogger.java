package dev.mtforge.jobs.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what a running job does, named after the work ({@link JobProgress}) and with counts and
 * rates, so that a user watching a long run (or its Airflow log) sees progress:
 *
 * <pre>
 * prepare: filtering training pairs — 20/26 tasks, 1.2k rows/s
 * prepare: filtering training pairs — done: 26 tasks, 12.3k rows read, 4.1k written in 8.1 s
 * prepare: done in 41.2 s — 38 Spark jobs, 412 tasks, 120.4k rows read, 8.3k written
 * </pre>
 *
 * While a stage runs: at most one line per interval. When a stage that ran longer than the
 * interval ends: one line. When an mtforge job ends (the next one begins, or the command
 * returns): one summary line. Stages of Spark jobs without a description keep Spark's stage name.
 *
 * <pre>{@code SparkProgressLogger.install(spark.sparkContext(), 10);}</pre>
 */
public final class SparkProgressLogger extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(SparkProgressLogger.class);
  private static final String GROUP_ID = "spark.jobGroup.id";
  private static final String DESCRIPTION = "spark.job.description";
  private static final int MAX_LABEL = 160;
  private static volatile SparkProgressLogger installed;

  private final SparkContext sc;
  private final long intervalNanos;
  private final Map<Integer, String> stageLabels = new ConcurrentHashMap<>();
  private final Map<Integer, String> stageGroups = new ConcurrentHashMap<>();
  private final Map<Integer, String> jobGroups = new ConcurrentHashMap<>();
  private final Map<Integer, StageProgress> stages = new ConcurrentHashMap<>();
  private final Map<String, JobTotals> jobs = new ConcurrentHashMap<>();

  private SparkProgressLogger(SparkContext sc, long intervalSeconds) {
    this.sc = sc;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
  }

  /**
   * Adds a logger to a context (once: a second call returns the first logger).
   *
   * @param intervalSeconds seconds between progress lines of one stage; 0 logs every task
   */
  public static synchronized SparkProgressLogger install(SparkContext sc, long intervalSeconds) {
    SparkProgressLogger current = installed;
    if (current != null && current.sc == sc) {
      return current;
    }
    SparkProgressLogger logger = new SparkProgressLogger(sc, intervalSeconds);
    sc.addSparkListener(logger);
    installed = logger;
    CommandSummary.register(logger::summarize);
    return logger;
  }

  /** The logger installed on a context, if any. */
  public static Optional<SparkProgressLogger> of(SparkContext sc) {
    SparkProgressLogger current = installed;
    return current != null && current.sc == sc ? Optional.of(current) : Optional.empty();
  }

  /** Removes the logger from its context. */
  public synchronized void uninstall() {
    sc.removeSparkListener(this);
    if (installed == this) {
      installed = null;
      CommandSummary.register(null);
    }
  }

  /** Starts the totals of an mtforge job (its Spark job group) now; {@link JobProgress#begin} calls it. */
  void begun(String group) {
    jobs.put(group, new JobTotals(System.nanoTime()));
  }

  /**
   * Logs one summary line per mtforge job that ran since the last call, after the listener has
   * seen every event posted so far (waits at most 2 s for that).
   */
  public void summarize() {
    summarize(false);
  }

  /** {@link #summarize()}; {@code failed}: the command failed, so the last job's line says FAILED. */
  void summarize(boolean failed) {
    try {
      sc.listenerBus().waitUntilEmpty(2000);
    } catch (Exception e) { // TimeoutException: summarize what arrived
      LOG.debug("Spark listener events still queued; summary may miss the last tasks", e);
    }
    List<String> done = new ArrayList<>(jobs.keySet());
    for (String group : done) {
      JobTotals totals = jobs.remove(group);
      String job = JobProgress.jobOf(group);
      if (totals != null && job != null) {
        LOG.info("{}", totals.summary(job, System.nanoTime(), failed));
      }
    }
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    Properties props = event.properties();
    String group = props == null ? null : props.getProperty(GROUP_ID);
    String label = props == null ? null : label(props.getProperty(DESCRIPTION), JobProgress.jobOf(group));
    scala.collection.Iterator<StageInfo> infos = event.stageInfos().iterator();
    while (infos.hasNext()) {
      StageInfo info = infos.next();
      if (label != null) {
        stageLabels.put(info.stageId(), label);
      }
      if (group != null) {
        stageGroups.put(info.stageId(), group);
      }
    }
    if (group != null) {
      jobGroups.put(event.jobId(), group);
      jobs.computeIfAbsent(group, g -> new JobTotals(System.nanoTime())).sparkJobs.incrementAndGet();
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    String group = jobGroups.remove(event.jobId());
    if (group != null && event.jobResult() instanceof JobFailed) {
      JobTotals totals = jobs.get(group);
      if (totals != null) {
        totals.failedJobs.incrementAndGet();
      }
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    StageInfo info = event.stageInfo();
    String label = stageLabels.getOrDefault(info.stageId(), "stage " + info.stageId() + " (" + info.name() + ")");
    stages.put(info.stageId(), new StageProgress(label, stageGroups.get(info.stageId()), info.numTasks(), System.nanoTime()));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    StageProgress stage = stages.get(event.stageId());
    if (stage == null) {
      return;
    }
    TaskMetrics metrics = event.taskMetrics();
    long in = 0;
    long out = 0;
    if (metrics != null) {
      in = metrics.inputMetrics().recordsRead() + metrics.shuffleReadMetrics().recordsRead();
      out = metrics.outputMetrics().recordsWritten() + metrics.shuffleWriteMetrics().recordsWritten();
    }
    stage.tasksDone.incrementAndGet();
    stage.recordsIn.addAndGet(in);
    stage.recordsOut.addAndGet(out);
    JobTotals totals = stage.group == null ? null : jobs.get(stage.group);
    if (totals != null) {
      totals.tasks.incrementAndGet();
      totals.recordsIn.addAndGet(in);
      totals.recordsOut.addAndGet(out);
    }
    long now = System.nanoTime();
    long last = stage.lastLog.get();
    if (now - last >= intervalNanos && stage.lastLog.compareAndSet(last, now)) {
      LOG.info("{} — {}/{} tasks, {} rows/s", stage.label, stage.tasksDone.get(), stage.tasks,
          JobProgress.compact(rate(stage.recordsIn.get(), now - stage.started)));
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    int id = event.stageInfo().stageId();
    StageProgress stage = stages.remove(id);
    stageLabels.remove(id);
    stageGroups.remove(id);
    if (stage == null) {
      return;
    }
    long elapsed = System.nanoTime() - stage.started;
    if (elapsed >= intervalNanos) {
      LOG.info("{} — {}: {}, {} rows read, {} written in {} s", stage.label,
          event.stageInfo().failureReason().isDefined() ? "FAILED" : "done", JobProgress.count(stage.tasksDone.get(), "task"),
          JobProgress.compact(stage.recordsIn.get()), JobProgress.compact(stage.recordsOut.get()), seconds(elapsed));
    }
  }

  /**
   * A one-line label from a job description. Delta prefixes ours with its own name and appends its
   * step ({@code Delta: prepare: writing x: Filtering files}); the job goes first again
   * ({@code prepare: writing x: Filtering files [Delta]}).
   */
  static String label(String description, String job) {
    if (description == null || description.isBlank()) {
      return null;
    }
    String label = description.strip().replaceAll("\\s+", " ");
    int at = job == null ? -1 : label.indexOf(job + ": ");
    if (at > 0) {
      String prefix = label.substring(0, at).strip();
      prefix = prefix.endsWith(":") ? prefix.substring(0, prefix.length() - 1) : prefix;
      label = label.substring(at) + " [" + prefix + "]";
    }
    return label.length() <= MAX_LABEL ? label : label.substring(0, MAX_LABEL - 1) + "…";
  }

  private static double rate(long records, long nanos) {
    return nanos <= 0 ? 0 : records / (nanos / 1e9);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
  }

  private static final class StageProgress {
    final String label;
    final String group;
    final int tasks;
    final long started;
    final AtomicLong tasksDone = new AtomicLong();
    final AtomicLong recordsIn = new AtomicLong();
    final AtomicLong recordsOut = new AtomicLong();
    final AtomicLong lastLog;

    StageProgress(String label, String group, int tasks, long started) {
      this.label = label;
      this.group = group;
      this.tasks = tasks;
      this.started = started;
      this.lastLog = new AtomicLong(started);
    }
  }

  /** What one mtforge job ran on Spark, from its first Spark job on. */
  private static final class JobTotals {
    final long started;
    final AtomicLong sparkJobs = new AtomicLong();
    final AtomicLong failedJobs = new AtomicLong();
    final AtomicLong tasks = new AtomicLong();
    final AtomicLong recordsIn = new AtomicLong();
    final AtomicLong recordsOut = new AtomicLong();

    JobTotals(long started) {
      this.started = started;
    }

    String summary(String job, long now, boolean commandFailed) {
      String failed = failedJobs.get() > 0 ? " (" + failedJobs.get() + " failed)" : "";
      return job + ": " + (commandFailed || failedJobs.get() > 0 ? "FAILED after " : "done in ") + seconds(now - started) + " s — "
          + JobProgress.count(sparkJobs.get(), "Spark job") + failed + ", " + JobProgress.count(tasks.get(), "task") + ", "
          + JobProgress.compact(recordsIn.get()) + " rows read, " + JobProgress.compact(recordsOut.get()) + " written";
    }
  }
}
