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
 * each command; {@code latency_ms}, wall time of a batch), the warehouse's own location written
 * as {@code <warehouse>} (paths of shards and merged adapters live under it) and merge ids, which
 * hash that location, written as the merge they name.
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
    return new WarehouseSnapshot(qualified, withStableMergeIds(spark, qualified, tables));
  }

  /**
   * A merge id hashes the merge's output folder, which lives under the warehouse: each merge id is
   * written as {@code <merge of OUTPUT_ADAPTER_ID>} wherever it appears.
   */
  private static Map<String, List<String>> withStableMergeIds(
      SparkSession spark, String location, Map<String, List<String>> tables) {
    if (!tables.containsKey("merges")) {
      return tables;
    }
    Map<String, String> ids = new TreeMap<>();
    for (Row row : spark.read().format("delta").load(location + "/merges")
        .select("merge_id", "output_adapter_id").collectAsList()) {
      ids.put(row.getString(0), "<merge of " + row.getString(1) + ">");
    }
    Map<String, List<String>> stable = new TreeMap<>();
    tables.forEach((table, lines) -> {
      List<String> out = new ArrayList<>();
      for (String line : lines) {
        for (Map.Entry<String, String> id : ids.entrySet()) {
          line = line.replace(id.getKey(), id.getValue());
        }
        out.add(line);
      }
      out.sort(null);
      stable.put(table, out);
    });
    return stable;
  }

  /** Per table that differs from {@code expected}: rows only there and rows only here (first of each). */
  List<String> differences(WarehouseSnapshot expected) {
    List<String> out = new ArrayList<>();
    if (!tables.keySet().equals(expected.tables.keySet())) {
      out.add("tables " + tables.keySet() + " instead of " + expected.tables.keySet());
    }
    for (Map.Entry<String, List<String>> table : expected.tables.entrySet()) {
      List<String> actual = tables.getOrDefault(table.getKey(), List.of());
      if (actual.equals(table.getValue())) {
        continue;
      }
      List<String> missing = new ArrayList<>(table.getValue());
      actual.forEach(missing::remove);
      List<String> extra = new ArrayList<>(actual);
      table.getValue().forEach(extra::remove);
      out.add(table.getKey() + ": " + actual.size() + " rows instead of " + table.getValue().size()
          + "; e.g. expected " + missing.stream().findFirst().orElse("-")
          + " but found " + extra.stream().findFirst().orElse("-"));
    }
    return out;
  }

  /** Total rows over all tables. */
  long rows() {
    return tables.values().stream().mapToLong(List::size).sum();
  }
}
