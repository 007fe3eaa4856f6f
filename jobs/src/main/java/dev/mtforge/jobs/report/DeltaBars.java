package dev.mtforge.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Mean deltas against the baseline as grouped bars: one group of bars per category (a language
 * group, a resource level) in the given order, one bar per direction, with a line at zero. The
 * direction colours are neutral (teal, purple): red and blue mean worse and better on the
 * heatmap beside it.
 */
public final class DeltaBars {
  /**
   * One bar.
   *
   * @param direction the series ({@code xx-en} or {@code en-xx})
   * @param category the group of bars
   * @param delta the mean delta
   */
  public record Bar(String direction, String category, double delta) {}

  private static final Color[] DIRECTION_COLOURS = {new Color(0x1b, 0x9e, 0x77), new Color(0x75, 0x70, 0xb3)};

  private final String title;
  private final String valueLabel;
  private final List<String> categories;
  private final List<Bar> bars;

  public DeltaBars(String title, String valueLabel, List<String> categories, List<Bar> bars) {
    this.title = title;
    this.valueLabel = valueLabel;
    this.categories = List.copyOf(categories);
    this.bars = List.copyOf(bars);
  }

  /** Rows are directions (xx-en first), columns the categories in the given order. */
  public DefaultCategoryDataset dataset() {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (String direction : List.of("xx-en", "en-xx", "xx-yy")) {
      for (String category : categories) {
        bars.stream().filter(b -> b.direction().equals(direction) && b.category().equals(category)).findFirst()
            .ifPresent(b -> data.addValue(b.delta(), label(direction), category));
      }
    }
    return data;
  }

  public byte[] png() {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = dataset();
    JFreeChart chart = ChartFactory.createBarChart(title, null, valueLabel, data, PlotOrientation.VERTICAL, true,
        false, false);
    chart.setBackgroundPaint(Color.WHITE);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.addRangeMarker(new ValueMarker(0, Color.DARK_GRAY, new BasicStroke(1f)));
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    for (int s = 0; s < data.getRowCount(); s++) {
      renderer.setSeriesPaint(s, DIRECTION_COLOURS[s % DIRECTION_COLOURS.length]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, Math.max(420, 60 * categories.size() + 120), 360);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render chart '" + title + "'", e);
    }
    return out.toByteArray();
  }

  private static String label(String direction) {
    return direction.replace("-", "\u2192");
  }
}
