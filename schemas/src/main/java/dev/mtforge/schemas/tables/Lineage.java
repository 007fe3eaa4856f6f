package dev.mtforge.schemas.tables;

import org.apache.spark.sql.types.StructType;

/**
 * The columns every mtforge table ends with, so that any row can be traced to the run and the
 * input that produced it.
 *
 * <ul>
 *   <li>{@code run_id}: the id of the job run that wrote the row (see the CLI's {@code --run-id});
 *   <li>{@code created_at}: when that run wrote it (UTC);
 *   <li>{@code source}: the input it came from (a file URI, a table, or a model package).
 * </ul>
 */
public final class Lineage {
  public static final String RUN_ID = "run_id";
  public static final String CREATED_AT = "created_at";
  public static final String SOURCE = "source";

  public static final StructType SCHEMA =
      StructType.fromDDL("run_id STRING NOT NULL, created_at TIMESTAMP NOT NULL, source STRING");

  private Lineage() {}
}
