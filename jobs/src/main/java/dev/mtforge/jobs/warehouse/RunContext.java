package dev.mtforge.jobs.warehouse;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Identifies one job run; its id and start time become the lineage columns of every row it
 * writes. Airflow passes its own run id ({@code --run-id {{ run_id }}}) so rows trace to DAG runs.
 */
public record RunContext(String runId, Instant startedAt) implements Serializable {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A run started now with the given id, or a generated one ({@code 20261124T121500Z-1a2b3c4d}). */
  public static RunContext start(String runId) {
    Instant now = Instant.now();
    String id = runId != null ? runId : ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    return new RunContext(id, now);
  }

  /** Adds {@code run_id}, {@code created_at} and, when absent, {@code source} to a frame. */
  public Dataset<Row> stamp(Dataset<Row> rows, String source) {
    Dataset<Row> stamped =
        rows.withColumn("run_id", functions.lit(runId))
            .withColumn("created_at", functions.lit(Timestamp.from(startedAt)));
    if (!java.util.Arrays.asList(rows.columns()).contains("source")) {
      stamped = stamped.withColumn("source", functions.lit(source));
    }
    return stamped;
  }
}
