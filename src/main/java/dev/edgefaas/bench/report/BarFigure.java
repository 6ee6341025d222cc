package dev.edgefaas.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Bars of medians: one group per sandbox, each of our sandboxes followed by the paper target it
 * compares with, then the remaining paper targets; one bar per series (language, or the value
 * of the figure's series parameter such as {@code attempt}). Paper bars appear only for series
 * we measured too; where we measured guests booted and restored, the paper's bar is a boot's.
 */
final class BarFigure {

    private BarFigure() {
    }

    static CategoryChart chart(FigureData data) {
        Map<String, Map<String, Double>> bySeries = new LinkedHashMap<>();
        List<String> categories = new ArrayList<>();
        Set<String> placedTargets = new LinkedHashSet<>();
        for (Summary s : data.ours()) {
            String category = s.key().sandbox();
            if (!categories.contains(category)) {
                categories.add(category);
                PaperData.targetFor(category).filter(t -> hasPaper(data, t)).filter(placedTargets::add)
                        .ifPresent(t -> categories.add(PaperData.label(t)));
            }
            bySeries.computeIfAbsent(seriesOf(data, s), k -> new LinkedHashMap<>()).put(category, s.median());
        }
        for (Summary s : data.paper()) {
            String series = seriesOf(data, s);
            if (!bySeries.containsKey(series)) {
                // The paper booted every guest: its bar stands beside our booted one.
                series = series + " start=boot";
            }
            if (!bySeries.containsKey(series)) {
                continue;
            }
            String category = PaperData.label(s.key().sandbox());
            if (placedTargets.add(s.key().sandbox())) {
                categories.add(category);
            }
            bySeries.get(series).put(category, s.median());
        }
        boolean log = data.spec().logY() && bySeries.values().stream()
                .allMatch(values -> values.values().stream().allMatch(v -> v > 0));
        CategoryChart chart = new CategoryChartBuilder().width(ChartStyle.WIDTH).height(ChartStyle.HEIGHT)
                .title(data.spec().title()).xAxisTitle("sandbox").yAxisTitle(data.yAxisTitle() + (log ? ", log" : ""))
                .build();
        ChartStyle.apply(chart.getStyler());
        chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 30 : 0);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            // Bars are anchored at zero unless the axis starts elsewhere, which a log axis cannot show.
            double smallest = bySeries.values().stream().flatMap(v -> v.values().stream())
                    .mapToDouble(Double::doubleValue).min().orElse(1);
            double largest = bySeries.values().stream().flatMap(v -> v.values().stream())
                    .mapToDouble(Double::doubleValue).max().orElse(1);
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(largest))));
        } else {
            chart.getStyler().setYAxisMin(0.0);
        }
        ChartStyle.yAxisNumbers(chart.getStyler(), bySeries.values().stream().flatMap(v -> v.values().stream())
                .mapToDouble(Double::doubleValue).max().orElse(0));
        ChartStyle.Palette palette = new ChartStyle.Palette();
        bySeries.forEach((series, values) -> {
            List<Double> heights = new ArrayList<>();
            categories.forEach(c -> heights.add(values.get(c)));
            chart.addSeries(series, categories, heights).setFillColor(palette.of(series));
        });
        return chart;
    }

    private static boolean hasPaper(FigureData data, String target) {
        return data.paper().stream().anyMatch(s -> s.key().sandbox().equals(target));
    }

    /** The series name: language or series-parameter value, then any parameter items that tell rows apart. */
    private static String seriesOf(FigureData data, Summary s) {
        String parameter = s.key().parameter();
        String seriesParameter = data.spec().seriesParameter();
        String base = s.key().language();
        String value = seriesParameter == null ? null : Parameters.value(parameter, seriesParameter).orElse(null);
        if (value != null) {
            boolean oneLanguage = data.ours().stream().allMatch(o -> o.key().language().equals(s.key().language()));
            base = oneLanguage ? value : base + " " + value;
        }
        String rest = data.distinguishing(parameter, seriesParameter == null ? Set.of() : Set.of(seriesParameter));
        return rest.isEmpty() ? base : base + " " + rest;
    }
}
