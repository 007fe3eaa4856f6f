package dev.mtforge.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A source × target heatmap of a {@link DirectionMatrix}: rows are source languages, columns
 * target languages, each cell coloured on a white-to-blue scale between the matrix's lowest and
 * highest score and labelled with the score; the diagonal and pairs without a score are grey.
 * Drawn headless with Java2D into PNG bytes (a heatmap with numbers in the cells is simpler to
 * draw directly than with JFreeChart's XY block renderer).
 */
public final class HeatmapImage {
  static {
    // A driver on a cluster or CI has no display; AWT must not try to open one.
    System.setProperty("java.awt.headless", "true");
  }

  static final int CELL = 44;
  static final int MARGIN = 56;
  static final int TITLE = 40;
  static final Color LOW = new Color(247, 251, 255);
  static final Color HIGH = new Color(8, 48, 107);
  static final Color EMPTY = new Color(224, 224, 224);
  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);

  private final String title;
  private final DirectionMatrix matrix;

  public HeatmapImage(String title, DirectionMatrix matrix) {
    this.title = title;
    this.matrix = matrix;
  }

  /** Width in pixels: a margin for the row labels and one cell per target language, or the title's. */
  public int width() {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    int title;
    try {
      title = g.getFontMetrics(TITLE_FONT).stringWidth(this.title) + 16;
    } finally {
      g.dispose();
    }
    return Math.max(Math.max(MARGIN + matrix.languages().size() * CELL + 16, 360), title);
  }

  /** Height in pixels: title, column labels and one cell per source language. */
  public int height() {
    return TITLE + MARGIN / 2 + matrix.languages().size() * CELL + 28;
  }

  /** The colour of a score on the matrix's scale. */
  Color colour(double score) {
    double[] range = matrix.range();
    double t = range[1] > range[0] ? (score - range[0]) / (range[1] - range[0]) : 1;
    return new Color(mix(LOW.getRed(), HIGH.getRed(), t), mix(LOW.getGreen(), HIGH.getGreen(), t),
        mix(LOW.getBlue(), HIGH.getBlue(), t));
  }

  /** The top-left pixel of the cell {@code src -> tgt}. */
  int[] cellOrigin(String src, String tgt) {
    List<String> langs = matrix.languages();
    return new int[] {MARGIN + langs.indexOf(tgt) * CELL, TITLE + MARGIN / 2 + langs.indexOf(src) * CELL};
  }

  /** Renders the heatmap as a PNG image. */
  public byte[] png() {
    BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(TITLE_FONT);
      g.drawString(title, 8, 22);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics fm = g.getFontMetrics();
      List<String> langs = matrix.languages();
      int top = TITLE + MARGIN / 2;
      g.drawString("src \\ tgt", 4, top - 8);
      for (int i = 0; i < langs.size(); i++) {
        String l = langs.get(i);
        g.drawString(l, MARGIN + i * CELL + (CELL - fm.stringWidth(l)) / 2, top - 8);
        g.drawString(l, MARGIN - 8 - fm.stringWidth(l), top + i * CELL + (CELL + fm.getAscent()) / 2 - 2);
      }
      for (String src : langs) {
        for (String tgt : langs) {
          int[] o = cellOrigin(src, tgt);
          Double score = matrix.score(src, tgt);
          g.setColor(score == null ? EMPTY : colour(score));
          g.fillRect(o[0], o[1], CELL, CELL);
          g.setColor(Color.WHITE);
          g.setStroke(new BasicStroke(1));
          g.drawRect(o[0], o[1], CELL, CELL);
          if (score != null) {
            String text = String.format(Locale.ROOT, "%.1f", score);
            Color fill = colour(score);
            boolean dark = (fill.getRed() * 299 + fill.getGreen() * 587 + fill.getBlue() * 114) / 1000 < 128;
            g.setColor(dark ? Color.WHITE : Color.BLACK);
            g.drawString(text, o[0] + (CELL - fm.stringWidth(text)) / 2, o[1] + (CELL + fm.getAscent()) / 2 - 2);
          }
        }
      }
      double[] range = matrix.range();
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "scale %.1f (white) to %.1f (dark blue); grey: not scored", range[0],
          range[1]), 8, image.getHeight() - 10);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render heatmap '" + title + "'", e);
    }
    return out.toByteArray();
  }

  private static int mix(int a, int b, double t) {
    return (int) Math.round(a + (b - a) * Math.max(0, Math.min(1, t)));
  }
}
