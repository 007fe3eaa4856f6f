package dev.mtforge.jobs.progress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what a running job does, with counts and rates, so that a user watching a long run (or its
 * Airflow log) sees progress: while a stage runs, at most one line per interval with finished
 * tasks and records read/written so far; when a stage that ran longer than the interval ends, one
 * summary line. Short stages stay silent.
 *
 * <pre>{@code spark.sparkContext().addSparkListener(new SparkProgressLogger(10));}</pre>
 */
public final class SparkProgressLogger extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(SparkProgressLogger.class);

  private final long intervalNanos;
  private final Map<Integer, StageProgress> stages = new ConcurrentHashMap<>();

  /** @param intervalSeconds seconds between progress lines of one stage */
  public SparkProgressLogger(long intervalSeconds) {
    this.intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    StageInfo info = event.stageInfo();
    stages.put(info.stageId(), new StageProgress(info.name(), info.numTasks(), System.nanoTime()));
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
    long now = System.nanoTime();
    long last = stage.lastLog.get();
    if (now - last >= intervalNanos && stage.lastLog.compareAndSet(last, now)) {
      LOG.info("stage {} ({}): {}/{} tasks, {} records in, {} out, {} records/s",
          event.stageId(), stage.name, stage.tasksDone.get(), stage.tasks, stage.recordsIn.get(),
          stage.recordsOut.get(), rate(stage.recordsIn.get() + stage.recordsOut.get(), now - stage.started));
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    StageProgress stage = stages.remove(event.stageInfo().stageId());
    if (stage == null) {
      return;
    }
    long elapsed = System.nanoTime() - stage.started;
    if (elapsed >= intervalNanos) {
      LOG.info("stage {} ({}) done: {} tasks, {} records in, {} out in {} s ({} records/s){}",
          event.stageInfo().stageId(), stage.name, stage.tasksDone.get(), stage.recordsIn.get(),
          stage.recordsOut.get(), String.format(java.util.Locale.ROOT, "%.1f", elapsed / 1e9),
          rate(stage.recordsIn.get() + stage.recordsOut.get(), elapsed),
          event.stageInfo().failureReason().isDefined() ? ", FAILED" : "");
    }
  }

  private static long rate(long records, long nanos) {
    return nanos <= 0 ? 0 : Math.round(records / (nanos / 1e9));
  }

  private static final class StageProgress {
    final String name;
    final int tasks;
    final long started;
    final AtomicLong tasksDone = new AtomicLong();
    final AtomicLong recordsIn = new AtomicLong();
    final AtomicLong recordsOut = new AtomicLong();
    final AtomicLong lastLog;

    StageProgress(String name, int tasks, long started) {
      this.name = name;
      this.tasks = tasks;
      this.started = started;
      this.lastLog = new AtomicLong(started);
    }
  }
}
