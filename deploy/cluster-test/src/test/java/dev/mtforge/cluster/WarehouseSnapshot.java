package dev.mtforge.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
 * hash that location, written as the merge they name. Floating-point values match within a
 * relative {@link #TOLERANCE}, and COMET rows' integer {@code stats} (the score scaled by 2^32)
 * are left out: COMET's float32 encoder moves a segment score in its last bits (~1e-8) with the
 * composition of its batch, and a cluster's partitions batch segments differently from local
 * mode's (docs/METRICS.md). Everything else, BLEU and chrF statistics included, must be equal.
 */
record WarehouseSnapshot(String location, Map<String, List<String>> tables) {
  /** Columns whose values are times measured by the run, not results. */
  static final Set<String> VOLATILE_COLUMNS = Set.of("created_at", "latency_ms");
  /** The {@code metric} values of COMET rows. */
  static final Set<String> COMET_METRICS = Set.of("COMET", "CometKiwi");
  /** Relative tolerance of floating-point values. */
  static final double TOLERANCE = 1e-6;
  private static final ObjectMapper JSON = new ObjectMapper();

  static WarehouseSnapshot read(SparkSession spark, String location) throws IOException {
    Path root = new Path(location);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    String qualified = fs.makeQualified(root).toString();
    Map<String, List<String>> tables = new TreeMap<>();
    for (FileStatus child : fs.listStatus(root)) {
      if (child.isDirectory() && fs.exists(new Path(child.getPath(), "_delta_log"))) {
        Dataset<Row> rows = spark.read().format("delta").load(child.getPath().toString());
        List<String> names = Arrays.asList(rows.columns());
        Column[] kept = names.stream()
            .filter(c -> !VOLATILE_COLUMNS.contains(c))
            .map(c -> c.equals("stats") && names.contains("metric")
                ? functions.when(functions.col("metric").isin(COMET_METRICS.toArray()), functions.lit(null))
                    .otherwise(functions.col("stats")).as("stats")
                : functions.col("`" + c + "`"))
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
      if (actual.equals(table.getValue()) || sameWithinTolerance(table.getValue(), actual)) {
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

  /**
   * Rows match when, with every floating-point value taken out, the same rows remain and the
   * values taken out agree within {@link #TOLERANCE} (rows of one shape compared in sorted order).
   */
  static boolean sameWithinTolerance(List<String> expected, List<String> actual) {
    if (expected.size() != actual.size()) {
      return false;
    }
    Map<String, List<List<Double>>> want = byShape(expected);
    Map<String, List<List<Double>>> got = byShape(actual);
    if (!want.keySet().equals(got.keySet())) {
      return false;
    }
    for (Map.Entry<String, List<List<Double>>> shape : want.entrySet()) {
      List<List<Double>> a = shape.getValue();
      List<List<Double>> b = got.get(shape.getKey());
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        for (int j = 0; j < a.get(i).size(); j++) {
          double x = a.get(i).get(j);
          double y = b.get(i).get(j);
          if (Math.abs(x - y) > TOLERANCE * Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Each row's JSON with its floating-point values replaced by {@code ~}, and those values. */
  private static Map<String, List<List<Double>>> byShape(List<String> lines) {
    Map<String, List<List<Double>>> out = new TreeMap<>();
    for (String line : lines) {
      try {
        JsonNode row = JSON.readTree(line);
        List<Double> values = new ArrayList<>();
        JsonNode shape = withoutFloats(row, values);
        out.computeIfAbsent(shape.toString(), k -> new ArrayList<>()).add(values);
      } catch (IOException e) {
        throw new UncheckedIOException("Not a JSON row: " + line, e);
      }
    }
    Comparator<List<Double>> order = (p, q) -> {
      for (int i = 0; i < Math.min(p.size(), q.size()); i++) {
        int c = Double.compare(p.get(i), q.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(p.size(), q.size());
    };
    out.values().forEach(rows -> rows.sort(order));
    return out;
  }

  private static JsonNode withoutFloats(JsonNode node, List<Double> values) {
    if (node.isFloatingPointNumber()) {
      values.add(node.doubleValue());
      return TextNode.valueOf("~");
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.fields().forEachRemaining(f -> copy.set(f.getKey(), withoutFloats(f.getValue(), values)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(v -> copy.add(withoutFloats(v, values)));
      return copy;
    }
    return node;
  }

  /** Total rows over all tables. */
  long rows() {
    return tables.values().stream().mapToLong(List::size).sum();
  }
}
