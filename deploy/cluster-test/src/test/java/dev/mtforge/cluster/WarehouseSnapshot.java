package dev.mtforge.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The contents of every Delta table of a warehouse, comparable across runs: one JSON line per row,
 * sorted, with the columns that differ by nature left out ({@code created_at}, the start time of
 * each command; {@code latency_ms}, wall time of a batch) and the warehouse's own location written
 * as {@code <warehouse>} (paths of shards and merged adapters live under it).
 */
record WarehouseSnapshot(String location, Map<String, List<String>> tables) {
  /** Columns whose values are times measured by the run, not results. */
  static final Set<String> VOLATILE_COLUMNS = Set.of("created_at", "latency_ms");

  static WarehouseSnapshot read(SparkSession spark, String location) throws IOException {
    Path root = new Path(location);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    String qualified = fs.makeQualified(root).toString();
    Map<String, List<String>> tables = new TreeMap<>();
    for (FileStatus child : fs.listStatus(root)) {
      if (child.isDirectory() && fs.exists(new Path(child.getPath(), "_delta_log"))) {
        Dataset<Row> rows = spark.read().format("delta").load(child.getPath().toString());
        Column[] kept = Arrays.stream(rows.columns())
            .filter(c -> !VOLATILE_COLUMNS.contains(c))
            .map(c -> functions.col("`" + c + "`"))
            .toArray(Column[]::new);
        List<String> lines = new ArrayList<>();
        for (String line : rows.select(kept).toJSON().collectAsList()) {
          lines.add(line.replace(qualified, "<warehouse>"));
        }
        lines.sort(null);
        tables.put(child.getPath().getName(), lines);
      }
    }
    return new WarehouseSnapshot(qualified, tables);
  }

  /** Total rows over all tables. */
  long rows() {
    return tables.values().stream().mapToLong(List::size).sum();
  }
}
