package dev.edgefaas.bench.report;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One figure of the report and which result rows it plots: rows of {@code experiment} whose
 * parameter passes {@code parameters}, with the first metric of {@code metrics} that our
 * results contain. Every figure plots medians over repetitions.
 *
 * @param id              file name stem, e.g. {@code fig03-cold-start}
 * @param kind            bars per sandbox, or lines over a numeric parameter
 * @param metrics         acceptable metrics in order of preference, each with what it measures
 * @param seriesParameter for bars: the parameter item whose value names the series (e.g.
 *                        {@code attempt}); null to name series by language
 * @param xParameter      for lines: the numeric parameter item on the x axis (e.g. {@code n})
 * @param xAxisTitle      for lines: what the x axis counts
 * @param perLanguage     for lines: one figure per language, file name suffixed {@code -go}, ...
 * @param logX            for lines: x axis in powers of two
 * @param logY            a logarithmic y axis, used when every plotted value is positive
 */
public record FigureSpec(String id, String experiment, String title, Kind kind, List<Metric> metrics,
                         Predicate<String> parameters, String seriesParameter, String xParameter,
                         String xAxisTitle, boolean perLanguage, boolean logX, boolean logY) {

    public enum Kind { BAR, LINE }

    /** A metric a figure accepts and, for the axis title, what it measures. */
    public record Metric(String name, String quantity) {
    }

    public FigureSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(experiment, "experiment");
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("figure " + id + " names no metric");
        }
        if (kind == Kind.LINE && xParameter == null) {
            throw new IllegalArgumentException("line figure " + id + " needs an x parameter");
        }
    }

    static FigureSpec bar(String id, String experiment, String title, String seriesParameter, Metric... metrics) {
        return new FigureSpec(id, experiment, title, Kind.BAR, List.of(metrics), p -> true, seriesParameter, null,
                null, false, false, false);
    }

    static FigureSpec line(String id, String experiment, String title, String xParameter, String xAxisTitle,
                           Metric... metrics) {
        return new FigureSpec(id, experiment, title, Kind.LINE, List.of(metrics), p -> true, null, xParameter,
                xAxisTitle, true, false, false);
    }

    FigureSpec onlyParameters(Predicate<String> filter) {
        return new FigureSpec(id, experiment, title, kind, metrics, filter, seriesParameter, xParameter, xAxisTitle,
                perLanguage, logX, logY);
    }

    FigureSpec allLanguagesTogether() {
        return new FigureSpec(id, experiment, title, kind, metrics, parameters, seriesParameter, xParameter,
                xAxisTitle, false, logX, logY);
    }

    FigureSpec withLog2X() {
        return new FigureSpec(id, experiment, title, kind, metrics, parameters, seriesParameter, xParameter,
                xAxisTitle, perLanguage, true, logY);
    }

    FigureSpec withLogY() {
        return new FigureSpec(id, experiment, title, kind, metrics, parameters, seriesParameter, xParameter,
                xAxisTitle, perLanguage, logX, true);
    }
}
