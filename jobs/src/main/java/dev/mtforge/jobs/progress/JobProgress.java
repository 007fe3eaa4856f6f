package dev.mtforge.jobs.progress;

import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Names the Spark work of an mtforge job so that progress lines, the Spark UI and the history
 * server read {@code prepare: filtering training pairs} instead of a stage's call site. A job
 * calls {@link #begin} once, then {@link #step} before each phase:
 *
 * <pre>{@code
 * JobProgress.begin(spark, "prepare", "reading 8 sources");
 * ...
 * JobProgress.step(spark, "filtering training pairs");
 * }</pre>
 *
 * Spark jobs run from the calling thread (and threads it starts afterwards) carry the job group
 * {@code mtforge-<job>} and the description {@code <job>: <what>}. Beginning a job also ends the
 * previous one of the session: {@link SparkProgressLogger}, when installed, logs the previous
 * job's summary line.
 */
public final class JobProgress {
  /** Prefix of the job group ids mtforge sets ({@code mtforge-prepare}). */
  public static final String GROUP_PREFIX = "mtforge-";
  private static final String GROUP_ID = "spark.jobGroup.id";
  private static final String DESCRIPTION = "spark.job.description";

  private JobProgress() {}

  /** Starts a job: its Spark jobs are grouped under {@code mtforge-<job>} and described {@code <job>: <what>}. */
  public static void begin(SparkSession spark, String job, String what) {
    SparkContext sc = spark.sparkContext();
    SparkProgressLogger.of(sc).ifPresent(logger -> {
      logger.summarize();
      logger.begun(GROUP_PREFIX + job);
    });
    sc.setJobGroup(GROUP_PREFIX + job, describe(job, what), false);
  }

  /**
   * Describes the Spark jobs that follow, within the job begun last on this thread; returns the
   * description it replaced, for {@link #restore}.
   */
  public static String step(SparkSession spark, String what) {
    SparkContext sc = spark.sparkContext();
    String previous = sc.getLocalProperty(DESCRIPTION);
    String job = jobOf(sc.getLocalProperty(GROUP_ID));
    sc.setJobDescription(job == null ? what : describe(job, what));
    return previous;
  }

  /** Puts back the description {@link #step} replaced (null: none). */
  public static void restore(SparkSession spark, String previous) {
    spark.sparkContext().setJobDescription(previous);
  }

  /** {@code <job>: <what>}, or the job alone when there is nothing more to say. */
  static String describe(String job, String what) {
    return what == null || what.isBlank() ? job : job + ": " + what.strip();
  }

  /** The mtforge job of a Spark job group id, or null when the group is not one of ours. */
  static String jobOf(String groupId) {
    return groupId != null && groupId.startsWith(GROUP_PREFIX) ? groupId.substring(GROUP_PREFIX.length()) : null;
  }

  /** 950, 1.2k, 3.4M (and 2.5 below 10): counts and rates in progress lines. */
  static String compact(double n) {
    double abs = Math.abs(n);
    if (abs < 10 && abs != Math.rint(abs)) {
      return String.format(Locale.ROOT, "%.1f", n);
    }
    if (abs < 1000) {
      return Long.toString(Math.round(n));
    }
    if (abs < 1e6) {
      return String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
    if (abs < 1e9) {
      return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }
    return String.format(Locale.ROOT, "%.1fG", n / 1e9);
  }

  /** {@code 1 task}, {@code 3 tasks}, {@code 1.2k tasks}. */
  static String count(long n, String noun) {
    return compact(n) + " " + noun + (n == 1 ? "" : "s");
  }
}
