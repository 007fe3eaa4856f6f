package dev.mtforge.jobs.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkProgressLoggerTest {
  @Test
  void linesNameTheWorkWithTaskCountsAndRatesThenOneSummaryPerJob() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<String> lines = capture(() -> {
      SparkProgressLogger logger = SparkProgressLogger.install(spark.sparkContext(), 0); // every task, every stage
      try {
        JobProgress.begin(spark, "demo-job", "counting keys");
        spark.range(0, 1000, 1, 4).selectExpr("id % 7 AS k").groupBy("k").count().collectAsList();
        JobProgress.step(spark, "counting rows");
        spark.range(0, 10, 1, 2).count();
        JobProgress.begin(spark, "other-job", "nothing"); // ends demo-job: its summary
        logger.summarize();
      } finally {
        logger.uninstall();
        spark.sparkContext().clearJobGroup();
      }
    });
    assertThat(lines).anyMatch(l -> l.matches("demo-job: counting keys — \\d/4 tasks, [0-9.k]+ rows/s"));
    assertThat(lines).anyMatch(l -> l.matches("demo-job: counting keys — done: 4 tasks, 1.0k rows read, \\d+ written in .* s"));
    assertThat(lines).anyMatch(l -> l.matches("demo-job: counting rows — done: 2 tasks, .*"));
    assertThat(lines).noneMatch(l -> l.startsWith("stage "));
    assertThat(lines.stream().filter(l -> l.startsWith("demo-job: done in ")).toList())
        .singleElement().asString()
        .matches("demo-job: done in [0-9.]+ s — \\d+ Spark jobs?, \\d+ tasks?, [0-9.k]+ rows read, \\d+ written");
    assertThat(lines).contains(lines.stream().filter(l -> l.startsWith("other-job: done in ")).findFirst().orElseThrow());
  }

  @Test
  void stagesOfUndescribedJobsKeepSparksName() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<String> lines = capture(() -> {
      SparkProgressLogger logger = SparkProgressLogger.install(spark.sparkContext(), 0);
      try {
        spark.range(0, 100, 1, 2).count();
        spark.sparkContext().listenerBus().waitUntilEmpty();
      } finally {
        logger.uninstall();
      }
    });
    assertThat(lines).anyMatch(l -> l.matches("stage \\d+ \\(count at .*\\) — done: 2 tasks, .*"));
  }

  @Test
  void labelsAndCountsReadWell() {
    assertThat(SparkProgressLogger.label("  prepare: writing x:\n Compute snapshot ", "prepare")).isEqualTo(
        "prepare: writing x: Compute snapshot");
    assertThat(SparkProgressLogger.label("Delta: merge-groups: planning: Filtering files for query", "merge-groups"))
        .isEqualTo("merge-groups: planning: Filtering files for query [Delta]");
    assertThat(SparkProgressLogger.label("count at Foo.java:12", null)).isEqualTo("count at Foo.java:12");
    assertThat(JobProgress.compact(950)).isEqualTo("950");
    assertThat(JobProgress.compact(281.6)).isEqualTo("282");
    assertThat(JobProgress.compact(2.54)).isEqualTo("2.5");
    assertThat(JobProgress.count(1, "task")).isEqualTo("1 task");
    assertThat(JobProgress.compact(1234)).isEqualTo("1.2k");
    assertThat(JobProgress.compact(3_456_789)).isEqualTo("3.5M");
    assertThat(JobProgress.describe("prepare", "reading 3 sources")).isEqualTo("prepare: reading 3 sources");
    assertThat(JobProgress.jobOf("mtforge-merge-groups")).isEqualTo("merge-groups");
    assertThat(JobProgress.jobOf("someone-else")).isNull();
  }

  private interface Body {
    void run() throws Exception;
  }

  private static List<String> capture(Body body) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    AbstractAppender appender =
        new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
          }
        };
    appender.start();
    Logger logger = (Logger) LogManager.getLogger(SparkProgressLogger.class);
    logger.addAppender(appender);
    try {
      body.run();
    } finally {
      logger.removeAppender(appender);
    }
    return lines;
  }
}
