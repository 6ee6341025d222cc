package dev.edgefaas.bench.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler.LegendPosition;

/** The look every figure shares, and writing a chart as PNG and SVG. */
final class ChartStyle {
    static final int WIDTH = 960;
    static final int HEIGHT = 540;

    /** Okabe-Ito (colour-blind safe) without its yellow, too faint for thin lines on white, then tab10. */
    private static final Color[] COLORS = {
            new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0x56B4E9), new Color(0xD55E00), new Color(0x000000), new Color(0x8C564B),
            new Color(0x7F7F7F), new Color(0x9467BD), new Color(0xBCBD22), new Color(0x17BECF)};

    private ChartStyle() {
    }

    static void apply(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(true);
        styler.setPlotGridLinesColor(new Color(0xDDDDDD));
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendPosition(LegendPosition.OutsideE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setChartTitleBoxVisible(false);
        styler.setAntiAlias(true);
    }

    /** Thousands grouped instead of XChart's scientific notation for large values. */
    static void yAxisNumbers(AxesChartStyler styler, double largestValue) {
        if (largestValue >= 10_000) {
            styler.setYAxisDecimalPattern("#,##0");
        }
    }

    /**
     * Writes {@code chart} to {@code <directory>/<stem>.png} and {@code .svg}.
     *
     * @throws UncheckedIOException if a file cannot be written
     */
    static Path[] save(Chart<?, ?> chart, Path directory, String stem) {
        Path png = directory.resolve(stem + ".png");
        Path svg = directory.resolve(stem + ".svg");
        try {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapFormat.PNG);
            VectorGraphicsEncoder.saveVectorGraphic(chart, svg.toString(), VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write figure " + stem + " to " + directory + ": " + e.getMessage(), e);
        }
        return new Path[] {png, svg};
    }

    /** One colour per name, stable within a figure; a name may borrow the colour of another. */
    static final class Palette {
        private final Map<String, Color> colors = new HashMap<>();

        Color of(String name) {
            return colors.computeIfAbsent(name, n -> COLORS[colors.size() % COLORS.length]);
        }

        /** Gives {@code name} the colour of {@code existing} if that has one, else a new one. */
        Color sameAs(String name, String existing) {
            Color color = colors.get(existing);
            if (color != null) {
                colors.putIfAbsent(name, color);
            }
            return of(name);
        }
    }
}
