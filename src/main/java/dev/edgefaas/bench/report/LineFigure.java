package dev.edgefaas.bench.report;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Medians over a numeric parameter ({@code n}, {@code clients}): a solid line per sandbox of
 * ours, a dashed line in the same colour per paper target. Summaries without a numeric value of
 * the x parameter are not plotted.
 */
final class LineFigure {

    private LineFigure() {
    }

    static XYChart chart(FigureData data) {
        FigureSpec spec = data.spec();
        boolean manyLanguages = data.ours().stream().map(s -> s.key().language()).distinct().count() > 1;
        Map<String, TreeMap<Double, Double>> ours = new LinkedHashMap<>();
        Map<String, String> oursSandbox = new LinkedHashMap<>();
        for (Summary s : data.ours()) {
            String name = seriesName(data, s, s.key().sandbox(), manyLanguages);
            Parameters.number(s.key().parameter(), spec.xParameter()).ifPresent(x -> {
                ours.computeIfAbsent(name, k -> new TreeMap<>()).put(x, s.median());
                oursSandbox.putIfAbsent(name, s.key().sandbox());
            });
        }
        Map<String, TreeMap<Double, Double>> paper = new LinkedHashMap<>();
        Map<String, String> paperTarget = new LinkedHashMap<>();
        for (Summary s : data.paper()) {
            String name = seriesName(data, s, PaperData.label(s.key().sandbox()), manyLanguages);
            Parameters.number(s.key().parameter(), spec.xParameter()).ifPresent(x -> {
                paper.computeIfAbsent(name, k -> new TreeMap<>()).put(x, s.median());
                paperTarget.putIfAbsent(name, s.key().sandbox());
            });
        }
        boolean logY = spec.logY() && allPositive(ours) && allPositive(paper);
        XYChart chart = new XYChartBuilder().width(ChartStyle.WIDTH).height(ChartStyle.HEIGHT).title(title(data))
                .xAxisTitle(spec.xAxisTitle() + (spec.logX() ? " (log2)" : ""))
                .yAxisTitle("median " + data.yAxisTitle() + (logY ? ", log" : "")).build();
        ChartStyle.apply(chart.getStyler());
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(7);
        if (!logY) {
            chart.getStyler().setYAxisMin(0.0);
        }
        if (spec.logX()) {
            chart.getStyler().setxAxisTickLabelsFormattingFunction(LineFigure::powerOfTwo);
        }
        ChartStyle.Palette palette = new ChartStyle.Palette();
        ours.forEach((name, points) -> {
            XYSeries series = add(chart, name, points, spec.logX());
            series.setLineColor(palette.of(oursSandbox.get(name)));
            series.setMarkerColor(palette.of(oursSandbox.get(name)));
            // A sandbox's colour for both ways it starts; restored guests are told apart by their marker.
            series.setMarker(name.contains("start=restore") ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        });
        paper.forEach((name, points) -> {
            String target = paperTarget.get(name);
            String twin = oursSandbox.values().stream()
                    .filter(sandbox -> PaperData.targetFor(sandbox).filter(target::equals).isPresent())
                    .findFirst().orElse(name);
            XYSeries series = add(chart, name, points, spec.logX());
            series.setLineColor(palette.sameAs(target, twin));
            series.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    SeriesLines.DASH_DASH.getDashArray(), 0f));
            series.setMarker(SeriesMarkers.NONE);
        });
        addPeaks(chart, data, ours, palette, oursSandbox);
        ChartStyle.yAxisNumbers(chart.getStyler(), chart.getSeriesMap().values().stream()
                .mapToDouble(XYSeries::getYMax).max().orElse(0));
        return chart;
    }

    /** The paper's peaks (numbers its text states) as dotted horizontal lines across our x range. */
    private static void addPeaks(XYChart chart, FigureData data, Map<String, TreeMap<Double, Double>> ours,
                                 ChartStyle.Palette palette, Map<String, String> oursSandbox) {
        double low = ours.values().stream().mapToDouble(TreeMap::firstKey).min().orElse(Double.NaN);
        double high = ours.values().stream().mapToDouble(TreeMap::lastKey).max().orElse(Double.NaN);
        for (Summary peak : data.paperPeaks()) {
            String target = peak.key().sandbox();
            String twin = oursSandbox.values().stream()
                    .filter(sandbox -> PaperData.targetFor(sandbox).filter(target::equals).isPresent())
                    .findFirst().orElse(target);
            if (Double.isNaN(low)) {
                return;
            }
            TreeMap<Double, Double> line = new TreeMap<>();
            line.put(low, peak.median());
            line.put(high, peak.median());
            XYSeries series = add(chart, PaperData.label(target) + " peak", line, data.spec().logX());
            series.setLineColor(palette.sameAs(target, twin));
            series.setLineStyle(SeriesLines.DOT_DOT);
            series.setMarker(SeriesMarkers.NONE);
        }
    }

    private static String title(FigureData data) {
        return data.language() == null ? data.spec().title() : data.spec().title() + ", " + data.language();
    }

    private static String seriesName(FigureData data, Summary s, String base, boolean manyLanguages) {
        String name = manyLanguages ? base + " " + s.key().language() : base;
        String rest = data.distinguishing(s.key().parameter(), Set.of(data.spec().xParameter()));
        return rest.isEmpty() ? name : name + " " + rest;
    }

    private static XYSeries add(XYChart chart, String name, TreeMap<Double, Double> points, boolean log2) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        points.forEach((x, y) -> {
            if (!log2 || x > 0) {
                xs.add(log2 ? Math.log(x) / Math.log(2) : x);
                ys.add(y);
            }
        });
        return chart.addSeries(name, xs, ys);
    }

    /** Tick label of a log2 axis: the power of two at whole exponents, nothing in between. */
    private static String powerOfTwo(double exponent) {
        long whole = Math.round(exponent);
        return Math.abs(exponent - whole) < 1e-6 && whole >= 0 && whole < 63 ? Long.toString(1L << whole) : "";
    }

    private static boolean allPositive(Map<String, TreeMap<Double, Double>> series) {
        return series.values().stream().allMatch(points -> points.values().stream().allMatch(v -> v > 0));
    }
}
