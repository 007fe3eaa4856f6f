package dev.mtforge.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The report's {@code index.html}: each chart as an image followed by the same numbers as a table
 * (system × category), so the page is readable without the images and copyable into a paper. It
 * is self-contained: no script, no style sheet, no network.
 */
public final class ReportPage {
  private final String title;
  private final List<String> sections = new ArrayList<>();

  public ReportPage(String title) {
    this.title = title;
  }

  /** Adds a chart (by its file name next to the page) and the table of its bars, 2 decimals. */
  public ReportPage add(String heading, String imageFile, List<ScoreBar> bars) {
    return add(heading, imageFile, bars, 2);
  }

  /** Decimals a metric's scores are shown with: 4 for COMET (0.8654, as COMET prints), else 2. */
  public static int decimals(String metric) {
    return metric.equals("COMET") || metric.equals("CometKiwi") ? 4 : 2;
  }

  /** Adds a chart and the table of its bars with {@code decimals} digits. */
  public ReportPage add(String heading, String imageFile, List<ScoreBar> bars, int decimals) {
    Map<String, Map<String, ScoreBar>> bySystem = new TreeMap<>();
    TreeSet<String> categories = new TreeSet<>();
    for (ScoreBar bar : bars) {
      bySystem.computeIfAbsent(bar.system(), s -> new TreeMap<>()).put(bar.category(), bar);
      categories.add(bar.category());
    }
    StringBuilder html = new StringBuilder();
    html.append("<h2>").append(escape(heading)).append("</h2>\n");
    html.append("<img src=\"").append(escape(imageFile)).append("\" alt=\"").append(escape(heading))
        .append("\">\n<table>\n<tr><th>system</th>");
    for (String category : categories) {
      html.append("<th>").append(escape(category)).append("</th>");
    }
    html.append("</tr>\n");
    for (Map.Entry<String, Map<String, ScoreBar>> row : bySystem.entrySet()) {
      html.append("<tr><td>").append(escape(row.getKey())).append("</td>");
      for (String category : categories) {
        ScoreBar bar = row.getValue().get(category);
        html.append("<td>").append(bar == null ? "" : escape(cell(bar, decimals))).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
    sections.add(html.toString());
    return this;
  }

  /** The whole page. */
  public String html() {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title></head>\n<body>\n<h1>").append(escape(title))
        .append("</h1>\n");
    sections.forEach(html::append);
    return html.append("</body>\n</html>\n").toString();
  }

  private static String cell(ScoreBar bar, int decimals) {
    String f = "%." + decimals + "f";
    String score = String.format(Locale.ROOT, f, bar.score());
    return bar.hasInterval()
        ? score + String.format(Locale.ROOT, " [" + f + ", " + f + "]", bar.ciLow(), bar.ciHigh())
        : score;
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
