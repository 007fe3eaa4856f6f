package dev.mtforge.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's {@code matrix.html}: per system, test set and metric, the heatmap image, the matrix
 * as a table (rows: source, columns: target) and LLaMAX's summary (X→all and all→X per language
 * and per resource level). Self-contained like {@link ReportPage}: no script, no style sheet.
 */
public final class MatrixPage {
  private final List<String> sections = new ArrayList<>();

  /** Adds one matrix with its image (a file name next to the page). */
  public MatrixPage add(String heading, String imageFile, DirectionMatrix matrix) {
    StringBuilder html = new StringBuilder();
    html.append("<h2>").append(ReportPage.escape(heading)).append("</h2>\n");
    html.append("<img src=\"").append(ReportPage.escape(imageFile)).append("\" alt=\"")
        .append(ReportPage.escape(heading)).append("\">\n");
    html.append("<table class=\"matrix\">\n<tr><th>src \\ tgt</th>");
    for (String tgt : matrix.languages()) {
      html.append("<th>").append(ReportPage.escape(tgt)).append("</th>");
    }
    html.append("</tr>\n");
    for (String src : matrix.languages()) {
      html.append("<tr><th>").append(ReportPage.escape(src)).append("</th>");
      for (String tgt : matrix.languages()) {
        Double score = matrix.score(src, tgt);
        html.append("<td>").append(score == null ? "" : format(score)).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
    html.append("<table class=\"summary\">\n<tr><th>language</th><th>resource</th><th>X&rarr;all</th>"
        + "<th>all&rarr;X</th></tr>\n");
    for (DirectionMatrix.Summary s : matrix.byLanguage()) {
      summaryRow(html, s.label(), s);
    }
    for (DirectionMatrix.Summary s : matrix.byResource()) {
      summaryRow(html, s.label() + " resource", s);
    }
    html.append("</table>\n");
    sections.add(html.toString());
    return this;
  }

  /** The whole page. */
  public String html(String title) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>")
        .append(ReportPage.escape(title)).append("</title></head>\n<body>\n<h1>").append(ReportPage.escape(title))
        .append("</h1>\n<p>X&rarr;all: mean of the scores of the directions out of X; all&rarr;X: into X. A resource"
            + " row averages the directions whose source (X&rarr;all) or target (all&rarr;X) has that level.</p>\n");
    sections.forEach(html::append);
    return html.append("</body>\n</html>\n").toString();
  }

  private static void summaryRow(StringBuilder html, String label, DirectionMatrix.Summary s) {
    html.append("<tr><td>").append(ReportPage.escape(label)).append("</td><td>").append(ReportPage.escape(s.resource()))
        .append("</td><td>").append(mean(s.fromAll())).append("</td><td>").append(mean(s.toAll())).append("</td></tr>\n");
  }

  private static String mean(DirectionMatrix.Mean m) {
    return m.value().isPresent() ? format(m.value().getAsDouble()) + " (" + m.count() + ")" : "";
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
