package dev.edgefaas.bench.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Draws the figures of {@link Figures#ALL} from our results and the paper's, as PNG and SVG.
 * A figure without rows of ours is skipped, never drawn from paper data alone. Runs headless.
 */
public final class FigureRenderer {

    /**
     * A figure written to disk; {@code language} is null unless the figure is per language.
     *
     * @param explorable the figure's numbers, for the report page's script to draw again ({@link ExplorableFigure})
     */
    public record Rendered(FigureSpec spec, String language, String metric, String unit, Path png, Path svg,
                           ObjectNode explorable) {
    }

    /** A figure not drawn, and why. */
    public record Skipped(FigureSpec spec, String reason) {
    }

    public record Outcome(List<Rendered> rendered, List<Skipped> skipped) {
        public Outcome {
            rendered = List.copyOf(rendered);
            skipped = List.copyOf(skipped);
        }

        public List<Rendered> rendered(String experiment) {
            return rendered.stream().filter(r -> r.spec().experiment().equals(experiment)).toList();
        }

        public List<Skipped> skipped(String experiment) {
            return skipped.stream().filter(s -> s.spec().experiment().equals(experiment)).toList();
        }
    }

    private FigureRenderer() {
    }

    /**
     * Writes {@code <id>.png} and {@code <id>.svg} (per-language figures: {@code <id>-<language>})
     * into {@code outputDirectory}, creating it if needed.
     *
     * @throws UncheckedIOException if the directory or a file cannot be written
     */
    public static Outcome render(ResultTable ours, PaperData paper, Path outputDirectory) {
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(outputDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create report directory " + outputDirectory + ": " + e.getMessage(), e);
        }
        List<Rendered> rendered = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (FigureSpec spec : Figures.ALL) {
            Optional<FigureData> selected = select(spec, ours, paper);
            if (selected.isEmpty()) {
                skipped.add(new Skipped(spec, "no rows of experiment '" + spec.experiment() + "' with metric "
                        + spec.metrics().stream().map(FigureSpec.Metric::name).toList()));
                continue;
            }
            FigureData all = selected.get();
            List<String> languages = spec.perLanguage()
                    ? all.ours().stream().map(s -> s.key().language()).distinct().toList()
                    : Collections.singletonList((String) null);
            for (String language : languages) {
                FigureData data = language == null ? all : forLanguage(all, language);
                String stem = language == null ? spec.id() : spec.id() + "-" + language;
                try {
                    Chart<?, ?> chart;
                    ObjectNode explorable;
                    if (spec.kind() == FigureSpec.Kind.BAR) {
                        CategoryChart bars = BarFigure.chart(data);
                        chart = bars;
                        explorable = ExplorableFigure.of(stem, bars, data.unit());
                    } else {
                        XYChart lines = LineFigure.chart(data);
                        chart = lines;
                        explorable = ExplorableFigure.of(stem, lines, data.unit(), spec.logX());
                    }
                    Path[] files = ChartStyle.save(chart, outputDirectory, stem);
                    rendered.add(new Rendered(spec, language, data.metric(), data.unit(), files[0], files[1], explorable));
                } catch (IllegalArgumentException e) {
                    // XChart rejects some data only when painting (e.g. infinities); the report says so.
                    skipped.add(new Skipped(spec, "XChart could not draw " + stem + ": " + e.getMessage()));
                }
            }
        }
        return new Outcome(rendered, skipped);
    }

    /** Our and the paper's summaries for the first metric of the spec we have rows of. */
    static Optional<FigureData> select(FigureSpec spec, ResultTable ours, PaperData paper) {
        for (FigureSpec.Metric metric : spec.metrics()) {
            List<Summary> mine = matching(ours.summaries(spec.experiment()), spec, metric.name());
            if (mine.isEmpty()) {
                continue;
            }
            String unit = mine.getFirst().unit();
            mine = mine.stream().filter(s -> s.unit().equals(unit)).toList();
            String paperMetric = metric.name().matches(".+_(p50|median)")
                    ? metric.name().substring(0, metric.name().lastIndexOf('_')) : metric.name();
            List<Summary> theirs = new ArrayList<>(matching(paper.table().summaries(spec.experiment()), spec,
                    metric.name()));
            if (theirs.isEmpty()) {
                theirs.addAll(matching(paper.table().summaries(spec.experiment()), spec, paperMetric));
            }
            theirs.removeIf(s -> !s.unit().equals(unit));
            List<Summary> peaks = matching(paper.table().summaries(spec.experiment()), spec, "peak_" + metric.name())
                    .stream().filter(s -> s.unit().equals(unit)).toList();
            return Optional.of(new FigureData(spec, metric.name(), metric.quantity(), unit, null, mine, theirs, peaks));
        }
        return Optional.empty();
    }

    private static List<Summary> matching(List<Summary> summaries, FigureSpec spec, String metric) {
        return summaries.stream()
                .filter(s -> s.key().metric().equals(metric) && spec.parameters().test(s.key().parameter()))
                .toList();
    }

    private static FigureData forLanguage(FigureData data, String language) {
        return new FigureData(data.spec(), data.metric(), data.quantity(), data.unit(), language,
                data.ours().stream().filter(s -> s.key().language().equals(language)).toList(),
                data.paper().stream().filter(s -> s.key().language().equals(language)).toList(),
                data.paperPeaks().stream().filter(s -> s.key().language().equals(language)).toList());
    }
}
