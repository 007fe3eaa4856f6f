package dev.mtforge.jobs.report;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A grouped bar chart of scores: one group of bars per category, one bar colour per system. Charts
 * are drawn headless into PNG bytes, so a report can be written to any Hadoop file system.
 */
public final class ScoreChart {
  private static final int HEIGHT = 480;
  private static final int MIN_WIDTH = 640;
  private static final int MAX_WIDTH = 2400;
  private static final int PIXELS_PER_BAR = 18;

  private final String title;
  private final String valueLabel;
  private final List<ScoreBar> bars;

  public ScoreChart(String title, String valueLabel, List<ScoreBar> bars) {
    this.title = title;
    this.valueLabel = valueLabel;
    this.bars = bars.stream()
        .sorted(Comparator.comparing(ScoreBar::category).thenComparing(ScoreBar::system))
        .toList();
  }

  /** The chart's data: rows are systems, columns are categories, both in sorted order. */
  public DefaultCategoryDataset dataset() {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (ScoreBar bar : bars) {
      dataset.addValue(bar.score(), bar.system(), bar.category());
    }
    return dataset;
  }

  /** Width that gives every bar a readable size, within bounds. */
  public int width() {
    return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, bars.size() * PIXELS_PER_BAR + 160));
  }

  public int height() {
    return HEIGHT;
  }

  /** Renders the chart as a PNG image. */
  public byte[] png() {
    // A driver on a cluster or CI has no display; AWT must not try to open one.
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset dataset = dataset();
    JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, dataset,
        PlotOrientation.VERTICAL, dataset.getRowCount() > 1, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    if (dataset.getColumnCount() > 12) {
      plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.02);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, width(), height());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render chart '" + title + "'", e);
    }
    return out.toByteArray();
  }
}
