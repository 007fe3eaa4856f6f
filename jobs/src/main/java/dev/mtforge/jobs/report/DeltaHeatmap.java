package dev.mtforge.jobs.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A language x direction heatmap of deltas against a baseline: one row per language, one column
 * per direction, each cell coloured on a diverging scale (red: worse than the baseline, white: no
 * difference, blue: better; "better" already accounts for metrics where lower is better) and
 * labelled with its delta, with {@code *} on significant pairs.
 */
public final class DeltaHeatmap {
  private static final int ROW_HEIGHT = 18;
  private static final int WIDTH = 520;

  /**
   * One cell.
   *
   * @param language the row label ({@code de (g1)})
   * @param direction the column ({@code xx-en} or {@code en-xx})
   * @param delta system minus baseline
   * @param better delta signed so that positive means better than the baseline
   * @param significant whether the paired test found the difference significant
   */
  public record Cell(String language, String direction, double delta, double better, boolean significant) {}

  private final String title;
  private final List<String> languages;
  private final List<String> directions;
  private final List<Cell> cells;

  public DeltaHeatmap(String title, List<String> languages, List<String> directions, List<Cell> cells) {
    this.title = title;
    this.languages = List.copyOf(languages);
    this.directions = List.copyOf(directions);
    this.cells = List.copyOf(cells);
  }

  /** The largest |better| value: the scale runs from minus it to plus it. */
  public double scaleBound() {
    double bound = cells.stream().mapToDouble(c -> Math.abs(c.better())).max().orElse(0);
    return bound > 0 ? bound : 1;
  }

  public int height() {
    return 150 + ROW_HEIGHT * languages.size();
  }

  public int width() {
    return WIDTH;
  }

  public byte[] png() {
    System.setProperty("java.awt.headless", "true");
    DefaultXYZDataset data = new DefaultXYZDataset();
    double[][] series = new double[3][cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      Cell c = cells.get(i);
      series[0][i] = directions.indexOf(c.direction());
      series[1][i] = languages.indexOf(c.language());
      series[2][i] = c.better();
    }
    data.addSeries("delta", series);
    SymbolAxis x = new SymbolAxis(null, directions.stream().map(d -> d.replace("-", "\u2192")).toArray(String[]::new));
    x.setGridBandsVisible(false);
    SymbolAxis y = new SymbolAxis(null, languages.toArray(String[]::new));
    y.setInverted(true);
    y.setGridBandsVisible(false);
    double bound = scaleBound();
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(new Diverging(bound));
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    // COMET deltas are hundredths of a point, BLEU's whole points
    String format = bound < 1 ? "%+.3f%s" : "%+.2f%s";
    for (Cell c : cells) {
      XYTextAnnotation label = new XYTextAnnotation(String.format(Locale.ROOT, format, c.delta(), c.significant() ? "*" : ""),
          directions.indexOf(c.direction()), languages.indexOf(c.language()));
      label.setFont(font);
      label.setPaint(Math.abs(c.better()) > 0.6 * bound ? Color.WHITE : Color.BLACK);
      plot.addAnnotation(label);
    }
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    NumberAxis scaleAxis = new NumberAxis("worse \u2190 \u0394 \u2192 better");
    scaleAxis.setRange(-bound, bound);
    PaintScaleLegend legend = new PaintScaleLegend(new Diverging(bound), scaleAxis);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setMargin(4, 40, 4, 40);
    legend.setFrame(new BlockBorder(Color.WHITE));
    chart.addSubtitle(legend);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, width(), height());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render chart '" + title + "'", e);
    }
    return out.toByteArray();
  }

  /** Red (-bound) through white (0) to blue (+bound), ColorBrewer's RdBu end points. */
  static final class Diverging implements PaintScale {
    private static final Color WORSE = new Color(0xb2, 0x18, 0x2b);
    private static final Color BETTER = new Color(0x21, 0x66, 0xac);
    private final double bound;

    Diverging(double bound) {
      this.bound = bound;
    }

    @Override
    public double getLowerBound() {
      return -bound;
    }

    @Override
    public double getUpperBound() {
      return bound;
    }

    @Override
    public Paint getPaint(double value) {
      double t = Math.max(-1, Math.min(1, value / bound));
      Color end = t < 0 ? WORSE : BETTER;
      double w = Math.abs(t);
      return new Color(mix(255, end.getRed(), w), mix(255, end.getGreen(), w), mix(255, end.getBlue(), w));
    }

    private static int mix(int from, int to, double w) {
      return (int) Math.round(from + (to - from) * w);
    }
  }
}
