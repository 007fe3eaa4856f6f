package dev.mtforge.jobs.warehouse;

import dev.mtforge.schemas.tables.Lineage;
import dev.mtforge.schemas.tables.TableContract;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A Delta MERGE that inserts new keys and updates a matched row only when one of its non-lineage
 * columns changed, so that recomputing derived rows (statistics) with the same result leaves the
 * table untouched, lineage included.
 */
public final class ChangedRowsMerge {
  private ChangedRowsMerge() {}

  /** Returns the number of rows inserted or updated. */
  public static long merge(Warehouse warehouse, TableContract contract, Dataset<Row> rows) {
    warehouse.ensure(contract);
    Dataset<Row> conformed = Warehouse.conform(contract, rows);
    String view = "mtforge_changed_source_" + contract.name();
    conformed.createOrReplaceTempView(view);
    String on = contract.keyColumns().stream()
        .map(c -> "t.`" + c + "` <=> s.`" + c + "`")
        .collect(Collectors.joining(" AND "));
    String changed = contract.columnNames().stream()
        .filter(c -> !contract.keyColumns().contains(c) && Lineage.SCHEMA.getFieldIndex(c).isEmpty())
        .map(c -> "NOT (t.`" + c + "` <=> s.`" + c + "`)")
        .collect(Collectors.joining(" OR "));
    String sql = "MERGE INTO " + warehouse.qualifiedName(contract.name()) + " t USING " + view + " s ON " + on
        + " WHEN MATCHED AND (" + changed + ") THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *";
    Row metrics = warehouse.spark().sql(sql).first();
    warehouse.spark().catalog().dropTempView(view);
    return metrics.getLong(metrics.fieldIndex("num_inserted_rows"))
        + metrics.getLong(metrics.fieldIndex("num_updated_rows"));
  }
}
