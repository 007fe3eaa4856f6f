package dev.mtforge.jobs.report;

import java.util.List;
import java.util.Locale;

/**
 * The analysis page ({@code analysis.html}): headings, images with their numbers as tables,
 * collapsible detail tables ({@code <details>}, which needs no script). Self-contained: one
 * inline style sheet, no script, nothing fetched.
 */
final class AnalysisPage {
  /**
   * A table cell.
   *
   * @param text what it shows
   * @param bold whether it is the best of its column
   */
  record Cell(String text, boolean bold) {
    static Cell of(String text) {
      return new Cell(text == null ? "" : text, false);
    }
  }

  private static final String STYLE =
      "body{font-family:sans-serif;margin:1.5em;max-width:1400px;color:#222}"
          + "table{border-collapse:collapse;margin:0.5em 0 1.2em;font-size:13px}"
          + ".wide{overflow-x:auto}"
          + "th,td{border:1px solid #ccc;padding:2px 8px;text-align:right}"
          + "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
          + "img{display:block;margin:0.5em 0;max-width:100%}"
          + ".charts{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}"
          + "p.note{color:#555;max-width:70em}";

  private final String title;
  private final StringBuilder body = new StringBuilder();

  AnalysisPage(String title) {
    this.title = title;
  }

  AnalysisPage heading(int level, String text) {
    body.append("<h").append(level).append('>').append(ReportPage.escape(text)).append("</h").append(level).append(">\n");
    return this;
  }

  AnalysisPage note(String text) {
    body.append("<p class=\"note\">").append(ReportPage.escape(text)).append("</p>\n");
    return this;
  }

  AnalysisPage link(String text, String href) {
    body.append("<p><a href=\"").append(ReportPage.escape(href)).append("\">").append(ReportPage.escape(text))
        .append("</a></p>\n");
    return this;
  }

  /** Images side by side (wrapping on narrow screens). */
  AnalysisPage images(List<String[]> fileAndAlt) {
    body.append("<div class=\"charts\">\n");
    for (String[] image : fileAndAlt) {
      body.append("<img src=\"").append(ReportPage.escape(image[0])).append("\" alt=\"")
          .append(ReportPage.escape(image[1])).append("\">\n");
    }
    body.append("</div>\n");
    return this;
  }

  AnalysisPage table(List<String> header, List<List<Cell>> rows) {
    body.append(tableHtml(header, rows));
    return this;
  }

  /** A table shown when the reader opens it. */
  AnalysisPage details(String summary, List<String> header, List<List<Cell>> rows) {
    body.append("<details><summary>").append(ReportPage.escape(summary)).append("</summary>\n")
        .append(tableHtml(header, rows)).append("</details>\n");
    return this;
  }

  String html() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + ReportPage.escape(title)
        + "</title><style>" + STYLE + "</style></head>\n<body>\n<h1>" + ReportPage.escape(title) + "</h1>\n" + body
        + "</body>\n</html>\n";
  }

  private static String tableHtml(List<String> header, List<List<Cell>> rows) {
    StringBuilder html = new StringBuilder("<div class=\"wide\"><table>\n<tr>");
    for (String h : header) {
      html.append("<th>").append(ReportPage.escape(h)).append("</th>");
    }
    html.append("</tr>\n");
    for (List<Cell> row : rows) {
      html.append("<tr>");
      for (Cell c : row) {
        String text = ReportPage.escape(c.text());
        html.append("<td>").append(c.bold() ? "<b>" + text + "</b>" : text).append("</td>");
      }
      html.append("</tr>\n");
    }
    return html.append("</table></div>\n").toString();
  }

  /** Scores below 2 in absolute value (COMET, rates) with 4 decimals, others (BLEU, chrF) with 2. */
  static String number(double value) {
    return String.format(Locale.ROOT, Math.abs(value) < 2 ? "%.4f" : "%.2f", value);
  }

  static String signed(double value) {
    return String.format(Locale.ROOT, Math.abs(value) < 2 ? "%+.4f" : "%+.2f", value);
  }

}
