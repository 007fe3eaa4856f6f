package dev.mtforge.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** A plain-text table of query results, column widths fitted to the content. */
final class TextTable {
  private TextTable() {}

  static String render(String[] columns, List<Row> rows) {
    List<List<String>> cells = new ArrayList<>();
    for (Row row : rows) {
      cells.add(cells(row));
    }
    int[] widths = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      widths[i] = columns[i].length();
      for (List<String> row : cells) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, List.of(columns), widths);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    out.append(rule).append('\n');
    for (List<String> row : cells) {
      line(out, row, widths);
    }
    out.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
    return out.toString();
  }

  /** Cell texts of a row: null as NULL, nested values as Spark prints them. */
  static List<String> cells(Row row) {
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      cells.add(format(row.get(i)));
    }
    return cells;
  }

  private static String format(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      List<String> items = new ArrayList<>();
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) {
        items.add(format(it.next()));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (value instanceof Row nested) {
      return "{" + String.join(", ", cells(nested)) + "}";
    }
    return value.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths) {
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      out.append(i == 0 ? "" : " | ").append(cell).append(" ".repeat(widths[i] - cell.length()));
    }
    out.append('\n');
  }
}
