package dev.kembed.demo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A dependency-free SVG line chart with several panels side by side, enough for the bench's
 * "latency vs load" and "throughput over time" plots. Each panel has its own axes (from 0 to a
 * rounded maximum), a title, axis labels and a legend.
 */
public final class SvgPlot {
  /** One line: a name, a colour and points (x, y). */
  public record Series(String name, String colour, List<double[]> points) {}

  /** One chart. */
  public record Panel(String title, String xLabel, String yLabel, List<Series> series) {}

  private static final int W = 460;
  private static final int H = 320;
  private static final int LEFT = 60;
  private static final int BOTTOM = 45;
  private static final int TOP = 30;
  private static final int RIGHT = 15;

  private SvgPlot() {}

  public static String render(String caption, List<Panel> panels) {
    StringBuilder b = new StringBuilder();
    int width = W * panels.size();
    int height = H + 30;
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n",
            width,
            height));
    b.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"10\" y=\"%d\" font-size=\"11\" fill=\"#555\">%s</text>%n",
            height - 8,
            esc(caption)));
    for (int i = 0; i < panels.size(); i++) {
      panel(b, panels.get(i), i * W);
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static void panel(StringBuilder b, Panel p, int x0) {
    double maxX = 0;
    double maxY = 0;
    for (Series s : p.series()) {
      for (double[] pt : s.points()) {
        if (Double.isFinite(pt[1])) {
          maxX = Math.max(maxX, pt[0]);
          maxY = Math.max(maxY, pt[1]);
        }
      }
    }
    maxX = nice(maxX);
    maxY = nice(maxY);
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
            x0 + LEFT,
            esc(p.title())));
    b.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
            x0 + LEFT,
            TOP,
            pw,
            ph));
    for (int t = 0; t <= 4; t++) {
      double fy = TOP + ph - ph * t / 4.0;
      double fx = x0 + LEFT + pw * t / 4.0;
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
              x0 + LEFT,
              fy,
              x0 + LEFT + pw,
              fy));
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              x0 + LEFT - 4,
              fy + 4,
              num(maxY * t / 4)));
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              fx,
              TOP + ph + 14,
              num(maxX * t / 4)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
            x0 + LEFT + pw / 2,
            H - 10,
            esc(p.xLabel())));
    b.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(%d,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
            x0 + 14,
            TOP + ph / 2,
            esc(p.yLabel())));
    int legendY = TOP + 14;
    for (Series s : p.series()) {
      List<String> pts = new ArrayList<>();
      for (double[] pt : s.points()) {
        if (Double.isFinite(pt[1])) {
          double x = x0 + LEFT + (maxX == 0 ? 0 : pt[0] / maxX * pw);
          double y = TOP + ph - (maxY == 0 ? 0 : pt[1] / maxY * ph);
          pts.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
              s.colour(),
              String.join(" ", pts)));
      if (pts.size() <= 12) {
        for (String pt : pts) {
          String[] xy = pt.split(",");
          b.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>%n",
                  xy[0],
                  xy[1],
                  s.colour()));
        }
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
              x0 + LEFT + 8,
              legendY - 4,
              x0 + LEFT + 24,
              legendY - 4,
              s.colour()));
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\">%s</text>%n",
              x0 + LEFT + 28,
              legendY,
              esc(s.name())));
      legendY += 14;
    }
  }

  // The smallest 1, 2 or 5 times a power of ten at or above v (so ticks are round numbers).
  static double nice(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String num(double v) {
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.2g", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
