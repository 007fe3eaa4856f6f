package dev.mtforge.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The curse-of-multilinguality curve: mean score (y) against the number of training languages
 * (x), one line per direction, each point labelled with its system.
 */
public final class CurveChart {
  /**
   * One point.
   *
   * @param series the line it belongs to ({@code xx-en}, {@code en-xx}, {@code all})
   * @param languages training languages of the system
   * @param score its mean score
   * @param label the system id
   */
  public record Point(String series, int languages, double score, String label) {}

  private final String title;
  private final String valueLabel;
  private final List<Point> points;

  public CurveChart(String title, String valueLabel, List<Point> points) {
    this.title = title;
    this.valueLabel = valueLabel;
    this.points = List.copyOf(points);
  }

  /** The chart's data: one series per direction, points in increasing x. */
  public XYSeriesCollection dataset() {
    Map<String, XYSeries> series = new TreeMap<>();
    for (Point p : points) {
      series.computeIfAbsent(p.series(), s -> new XYSeries(s, true, true)).add(p.languages(), p.score());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    series.values().forEach(data::addSeries);
    return data;
  }

  public byte[] png() {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = dataset();
    JFreeChart chart = ChartFactory.createXYLineChart(title, "training languages", valueLabel, data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    XYItemLabelGenerator labels = (dataset, s, i) -> label((String) dataset.getSeriesKey(s),
        dataset.getXValue(s, i), dataset.getYValue(s, i));
    renderer.setDefaultItemLabelGenerator(labels);
    renderer.setDefaultItemLabelsVisible(true);
    for (int s = 0; s < data.getSeriesCount(); s++) {
      renderer.setSeriesStroke(s, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, 720, 420);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render chart '" + title + "'", e);
    }
    return out.toByteArray();
  }

  private String label(String series, double x, double y) {
    StringBuilder out = new StringBuilder();
    for (Point p : points) {
      if (p.series().equals(series) && p.languages() == x && p.score() == y) {
        out.append(out.length() == 0 ? "" : ", ").append(p.label());
      }
    }
    return out.toString();
  }
}
