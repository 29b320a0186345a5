package org.jsgx.cli.lab;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A small line chart drawn with java.awt on a headless image and written as PNG: one series
 * per policy, x = EPC size (log2 scale), y = faults. Enough for the lab, no chart library.
 */
public final class LinePlot {
    private static final Color[] COLORS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    private final String title;
    private final Map<String, double[][]> series = new LinkedHashMap<>();

    public LinePlot(String title) {
        this.title = title;
    }

    public void series(String name, double[] x, double[] y) {
        series.put(name, new double[][] {x, y});
    }

    public void write(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 900, h = 560, left = 90, right = 170, top = 50, bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double xmin = Double.MAX_VALUE, xmax = -Double.MAX_VALUE, ymax = 0;
        for (double[][] s : series.values()) {
            for (int i = 0; i < s[0].length; i++) {
                xmin = Math.min(xmin, log2(s[0][i]));
                xmax = Math.max(xmax, log2(s[0][i]));
                ymax = Math.max(ymax, s[1][i]);
            }
        }
        ymax *= 1.05;
        int pw = w - left - right, ph = h - top - bottom;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, pw, ph);
        g.drawString("EPC size (pages, log scale)", left + pw / 2 - 80, h - 15);
        g.drawString("faults", 15, top + ph / 2);
        for (int k = 0; k <= 5; k++) {
            double yv = ymax * k / 5;
            int y = top + ph - (int) (ph * k / 5.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, y, left + pw - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%,.0f", yv), 10, y + 4);
        }
        double[][] first = series.values().iterator().next();
        for (double xv : first[0]) {
            int x = left + (int) (pw * (log2(xv) - xmin) / Math.max(1e-9, xmax - xmin));
            g.drawLine(x, top + ph, x, top + ph + 5);
            g.drawString(String.format("%.0f", xv), x - 12, top + ph + 20);
        }
        int c = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            g.setColor(COLORS[c % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            double[] xs = e.getValue()[0], ys = e.getValue()[1];
            int px = -1, py = -1;
            for (int i = 0; i < xs.length; i++) {
                int x = left + (int) (pw * (log2(xs[i]) - xmin) / Math.max(1e-9, xmax - xmin));
                int y = top + ph - (int) (ph * ys[i] / ymax);
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawLine(w - right + 15, top + 20 + 20 * c, w - right + 40, top + 20 + 20 * c);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), w - right + 48, top + 24 + 20 * c);
            c++;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
