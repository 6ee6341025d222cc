package dev.edgefaas.bench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a results CSV into figures and a report beside the paper's numbers. The plots read
 * only the CSV; nothing here runs an experiment.
 */
public final class Report {
    public static final String TITLE = "edgefaas: Are unikernels ready for serverless on the edge? Reproduction";

    private Report() {
    }

    /**
     * Renders figures (PNG and SVG), {@code report.md} and {@code report.html} into
     * {@code outputDirectory}, with the paper's data from {@link PaperData#locate()}; without
     * that data the report says so among its caveats and compares with nothing.
     *
     * @param machine facts about the machine (CPU, cores, kernel, runtime versions, KVM or TCG, date), in order
     * @param caveats what a reader must know about how the numbers were taken
     * @return the path of {@code report.html}
     * @throws IllegalArgumentException if the CSV is malformed
     * @throws java.io.UncheckedIOException if a file cannot be read or written
     */
    public static Path render(Path csv, Path outputDirectory, Map<String, String> machine, List<String> caveats) {
        List<String> allCaveats = new ArrayList<>(caveats);
        Optional<Path> paperDirectory = PaperData.locate();
        PaperData paper = paperDirectory.map(PaperData::load).orElseGet(() -> {
            allCaveats.add("paper reference data not found (no shared/reference/paper-data above the working "
                    + "directory): set -D" + PaperData.DIRECTORY_PROPERTY + " to compare with the paper");
            return PaperData.empty();
        });
        return render(ResultTable.load(csv), paper, outputDirectory, machine, allCaveats);
    }

    /** Like {@link #render(Path, Path, Map, List)} with results and paper data already loaded. */
    public static Path render(ResultTable results, PaperData paper, Path outputDirectory, Map<String, String> machine,
                              List<String> caveats) {
        FigureRenderer.Outcome figures = FigureRenderer.render(results, paper, outputDirectory);
        ReportModel model = ReportModel.build(TITLE, machine, caveats, results, paper, figures);
        return ReportWriter.write(model, outputDirectory);
    }
}
