package dev.mtforge.cli;

import dev.mtforge.udfs.tokenize.PythonText;
import java.util.ArrayList;
import java.util.List;

/**
 * The table sacreBLEU prints for several systems: tabulate 0.9's {@code fancy_grid} with
 * {@code colalign=('right',)} and every other column centred (sacreBLEU passes
 * {@code stralign='center', numalign='center'}). A column is as wide as its widest line, and at
 * least its header plus two; cells may hold several lines (a p-value under a score), which are
 * aligned line by line, and shorter cells in a row get blank lines below. Widths count code
 * points, as tabulate does for the narrow characters in scores and file names (wide East Asian
 * characters in a system name would be counted 2 by tabulate).
 */
final class FancyGrid {

  private FancyGrid() {}

  static String render(List<String> header, List<List<String>> rows) {
    int cols = header.size();
    int[] widths = new int[cols];
    for (int c = 0; c < cols; c++) {
      widths[c] = PythonText.length(header.get(c)) + 2;
      for (List<String> row : rows) {
        for (String line : row.get(c).split("\n", -1)) {
          widths[c] = Math.max(widths[c], PythonText.length(line.strip()));
        }
      }
    }
    StringBuilder out = new StringBuilder();
    rule(out, widths, '╒', '═', '╤', '╕');
    List<List<String>> headerCells = new ArrayList<>();
    for (String h : header) {
      headerCells.add(List.of(h));
    }
    lines(out, widths, headerCells);
    rule(out, widths, '╞', '═', '╪', '╡');
    for (int r = 0; r < rows.size(); r++) {
      if (r > 0) {
        rule(out, widths, '├', '─', '┼', '┤');
      }
      List<List<String>> cells = new ArrayList<>();
      for (String cell : rows.get(r)) {
        cells.add(List.of(cell.split("\n", -1)));
      }
      lines(out, widths, cells);
    }
    rule(out, widths, '╘', '═', '╧', '╛');
    return out.toString();
  }

  /** One table row, as many text lines as its tallest cell. */
  private static void lines(StringBuilder out, int[] widths, List<List<String>> cells) {
    int height = 0;
    for (List<String> cell : cells) {
      height = Math.max(height, cell.size());
    }
    for (int i = 0; i < height; i++) {
      out.append('│');
      for (int c = 0; c < widths.length; c++) {
        List<String> cell = cells.get(c);
        String text = i < cell.size() ? cell.get(i).strip() : null;
        String padded = text == null ? " ".repeat(widths[c]) : c == 0 ? padLeft(text, widths[c]) : center(text, widths[c]);
        out.append(' ').append(padded).append(" │");
      }
      out.append('\n');
    }
  }

  private static void rule(StringBuilder out, int[] widths, char left, char fill, char mid, char right) {
    out.append(left);
    for (int c = 0; c < widths.length; c++) {
      out.append(String.valueOf(fill).repeat(widths[c] + 2)).append(c + 1 < widths.length ? mid : right);
    }
    out.append('\n');
  }

  private static String padLeft(String s, int width) {
    return " ".repeat(Math.max(0, width - PythonText.length(s))) + s;
  }

  /** Python's {@code '{:^w}'.format(s)}: the odd space goes to the right. */
  private static String center(String s, int width) {
    int pad = Math.max(0, width - PythonText.length(s));
    return " ".repeat(pad / 2) + s + " ".repeat(pad - pad / 2);
  }
}
