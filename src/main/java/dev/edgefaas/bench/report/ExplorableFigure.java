package dev.edgefaas.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The numbers of one drawn figure, as the report's page script draws it again to be explored
 * (values on hover, series and sandboxes toggled): taken from the XChart chart itself, so the
 * page shows exactly what the PNG and SVG show.
 */
final class ExplorableFigure {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExplorableFigure() {
    }

    /** Bars: {@code categories} (sandboxes and paper targets) and per series one value for each, null where none. */
    static ObjectNode of(String stem, CategoryChart chart, String unit) {
        ObjectNode figure = common(stem, "bar", chart.getTitle(), chart.getXAxisTitle(), chart.getYAxisTitle(), unit,
                chart.getStyler().isYAxisLogarithmic());
        List<Object> categories = new ArrayList<>();
        for (CategorySeries series : chart.getSeriesMap().values()) {
            series.getXData().stream().filter(c -> !categories.contains(c)).forEach(categories::add);
        }
        ArrayNode names = figure.putArray("categories");
        categories.forEach(c -> names.add(String.valueOf(c)));
        ArrayNode all = figure.putArray("series");
        for (CategorySeries series : chart.getSeriesMap().values()) {
            ObjectNode node = all.addObject().put("name", series.getName());
            ArrayNode values = node.putArray("values");
            List<Object> xs = new ArrayList<>(series.getXData());
            List<? extends Number> ys = new ArrayList<>(series.getYData());
            for (Object category : categories) {
                int at = xs.indexOf(category);
                addNumber(values, at < 0 ? null : ys.get(at));
            }
        }
        return figure;
    }

    /** Lines: per series its points as {@code [x, y]}; {@code log2X} when x is the exponent of a power of two. */
    static ObjectNode of(String stem, XYChart chart, String unit, boolean log2X) {
        ObjectNode figure = common(stem, "line", chart.getTitle(), chart.getXAxisTitle(), chart.getYAxisTitle(), unit,
                chart.getStyler().isYAxisLogarithmic());
        figure.put("log2X", log2X);
        ArrayNode all = figure.putArray("series");
        for (XYSeries series : chart.getSeriesMap().values()) {
            ObjectNode node = all.addObject().put("name", series.getName());
            ArrayNode points = node.putArray("points");
            double[] xs = series.getXData();
            double[] ys = series.getYData();
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                    points.addArray().add(xs[i]).add(ys[i]);
                }
            }
        }
        return figure;
    }

    private static ObjectNode common(String stem, String kind, String title, String xTitle, String yTitle, String unit,
                                     boolean logY) {
        return JSON.createObjectNode().put("id", stem).put("kind", kind).put("title", title).put("xTitle", xTitle)
                .put("yTitle", yTitle).put("unit", unit).put("logY", logY);
    }

    private static void addNumber(ArrayNode values, Number value) {
        if (value == null || !Double.isFinite(value.doubleValue())) {
            values.addNull();
        } else {
            values.add(value.doubleValue());
        }
    }
}
