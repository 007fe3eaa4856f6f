package dev.mtforge.jobs.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkProgressLoggerTest {
  @Test
  void logsTaskCountsAndRecordsOfAStage() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    AbstractAppender capture =
        new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
          }
        };
    capture.start();
    Logger logger = (Logger) LogManager.getLogger(SparkProgressLogger.class);
    logger.addAppender(capture);
    SparkProgressLogger listener = new SparkProgressLogger(0); // every task, every stage
    spark.sparkContext().addSparkListener(listener);
    try {
      spark.range(0, 1000, 1, 4).selectExpr("id % 7 AS k").groupBy("k").count().collectAsList();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
      logger.removeAppender(capture);
    }
    assertThat(lines).anyMatch(l -> l.matches("stage \\d+ \\(.*\\): \\d+/4 tasks, .*"));
    assertThat(lines)
        .anyMatch(l -> l.matches("stage \\d+ \\(.*\\) done: 4 tasks, \\d+ records in, \\d+ out in .* records/s\\)"));
  }
}
