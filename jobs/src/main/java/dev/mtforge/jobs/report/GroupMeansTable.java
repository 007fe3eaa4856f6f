package dev.mtforge.jobs.report;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * The paper's Table 1 for a test set and metric: one row per system, one column per language
 * group and direction (xx→en, en→xx) holding the mean pair score, then the direction averages;
 * the best value of each column in bold (the lowest for error rates).
 *
 * @param header column titles
 * @param rows the systems' cells
 */
record GroupMeansTable(List<String> header, List<List<AnalysisPage.Cell>> rows) {
  private static final List<String> DIRECTIONS = List.of("xx-en", "en-xx");

  /** The table of these systems on a test set and metric, from evaluate's latest group and direction means. */
  static GroupMeansTable read(Warehouse warehouse, List<String> ids, String dataset, String split, String metric,
      boolean higher) {
    var latest = Window.partitionBy("system_id", "scope", "direction", "group_id").orderBy(col("created_at").desc());
    Map<String, Map<String, Double>> bySystem = new LinkedHashMap<>();
    ids.forEach(id -> bySystem.put(id, new TreeMap<>()));
    Set<Integer> groups = new TreeSet<>();
    for (Row r : warehouse.read(Tables.SYSTEM_SCORES)
        .where(col("system_id").isin(ids.toArray()).and(col("dataset").equalTo(dataset))
            .and(col("split").equalTo(split)).and(col("metric").equalTo(metric))
            .and(col("scope").isin("group", "direction")).and(col("direction").isin(DIRECTIONS.toArray())))
        .withColumn("mtforge_rank", functions.row_number().over(latest)).where(col("mtforge_rank").equalTo(1))
        .select("system_id", "scope", "direction", "group_id", "score").collectAsList()) {
      String column = r.getString(1).equals("group") ? "g" + r.getInt(3) + " " + r.getString(2) : "avg " + r.getString(2);
      if (r.getString(1).equals("group")) {
        groups.add(r.getInt(3));
      }
      bySystem.get(r.getString(0)).put(column, r.getDouble(4));
    }
    List<String> columns = new ArrayList<>();
    for (int g : groups) {
      DIRECTIONS.forEach(d -> columns.add("g" + g + " " + d));
    }
    DIRECTIONS.forEach(d -> columns.add("avg " + d));
    List<String> header = new ArrayList<>(List.of("system"));
    columns.forEach(c -> header.add(c.replace("xx-en", "xx\u2192en").replace("en-xx", "en\u2192xx")));
    Map<String, Double> best = new TreeMap<>();
    for (String c : columns) {
      bySystem.values().stream().map(m -> m.get(c)).filter(Objects::nonNull)
          .reduce((a, b) -> higher ? Math.max(a, b) : Math.min(a, b)).ifPresent(v -> best.put(c, v));
    }
    List<List<AnalysisPage.Cell>> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> system : bySystem.entrySet()) {
      List<AnalysisPage.Cell> row = new ArrayList<>(List.of(AnalysisPage.Cell.of(system.getKey())));
      for (String c : columns) {
        Double v = system.getValue().get(c);
        row.add(v == null ? AnalysisPage.Cell.of("") : new AnalysisPage.Cell(AnalysisPage.number(v), v.equals(best.get(c))));
      }
      rows.add(row);
    }
    return new GroupMeansTable(header, rows);
  }
}
