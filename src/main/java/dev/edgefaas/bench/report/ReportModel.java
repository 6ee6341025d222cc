package dev.edgefaas.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the report says, independent of Markdown or HTML: the machine, the caveats, one section
 * per experiment we measured (figure order first, then any other experiment), and the figures
 * of experiments we did not measure.
 *
 * @param machine    facts about the machine, shown in the map's iteration order
 * @param notDrawn   figures skipped for experiments with no section, with the reason
 */
public record ReportModel(String title, Map<String, String> machine, List<String> caveats, List<Section> sections,
                          List<FigureRenderer.Skipped> notDrawn) {

    /**
     * One experiment.
     *
     * @param notes     sentences shown under the heading, e.g. a skipped figure
     * @param paperOnly the paper's summaries for metrics we did not measure in this experiment
     */
    public record Section(String experiment, String heading, List<FigureRenderer.Rendered> figures,
                          List<String> notes, List<ComparisonRow> rows, List<Summary> paperOnly) {
    }

    private static final Map<String, String> HEADINGS = Map.ofEntries(
            Map.entry("cold-start", "Cold start (paper §4.1, Fig. 3)"),
            Map.entry("burst", "Burst of concurrent cold starts (§4.2, Fig. 4)"),
            Map.entry("startup-cost", "Cost of starting an instance (§4.3, Fig. 5)"),
            Map.entry("idle-cpu", "Idle CPU (§4.4, Fig. 6)"),
            Map.entry("idle-memory", "Idle memory (§4.4, Fig. 7)"),
            Map.entry("cpu", "CPU: fib(1e9) (§4.5, Fig. 8)"),
            Map.entry("matrix", "Memory read: matrix multiplication (§4.6, Fig. 9)"),
            Map.entry("alloc", "Memory write: allocate 50 MiB (§4.6, Fig. 10)"),
            Map.entry("network", "Network (§4.7, Figs. 11 and 12)"),
            Map.entry("read", "File system read (§4.8, Fig. 13)"),
            Map.entry("warm-overhead", "Warm request through the gateway (§3)"));

    public ReportModel {
        machine = Collections.unmodifiableMap(new LinkedHashMap<>(machine));
        caveats = List.copyOf(caveats);
        sections = List.copyOf(sections);
        notDrawn = List.copyOf(notDrawn);
    }

    public static ReportModel build(String title, Map<String, String> machine, List<String> caveats,
                                    ResultTable ours, PaperData paper, FigureRenderer.Outcome figures) {
        Set<String> experiments = new LinkedHashSet<>(Figures.experiments());
        experiments.retainAll(ours.experiments());
        experiments.addAll(ours.experiments());
        List<Section> sections = new ArrayList<>();
        for (String experiment : experiments) {
            List<String> notes = new ArrayList<>();
            figures.skipped(experiment).forEach(s -> notes.add("Figure " + s.spec().id() + " not drawn: " + s.reason()
                    + "."));
            List<Summary> mine = inReadingOrder(ours.summaries(experiment));
            Set<String> metrics = new LinkedHashSet<>();
            mine.forEach(s -> metrics.add(s.key().metric()));
            List<Summary> paperOnly = paper.table().summaries(experiment).stream()
                    .filter(p -> !metrics.contains(p.key().metric())).toList();
            if (experiment.equals("network") && !paper.table().summaries(experiment).isEmpty()) {
                notes.add("The paper published no network CSV; its values here are the ones its text states.");
            }
            sections.add(new Section(experiment, HEADINGS.getOrDefault(experiment, experiment),
                    figures.rendered(experiment), notes, mine.stream().map(s -> ComparisonRow.of(s, paper)).toList(),
                    paperOnly));
        }
        List<FigureRenderer.Skipped> notDrawn = figures.skipped().stream()
                .filter(s -> !experiments.contains(s.spec().experiment())).toList();
        return new ReportModel(title, machine, caveats, sections, notDrawn);
    }

    /**
     * Sandboxes and metrics in the order they first appear, languages alphabetically, and within
     * each the parameters in natural order ({@code n=10} before {@code n=100}).
     */
    static List<Summary> inReadingOrder(List<Summary> summaries) {
        List<String> sandboxes = summaries.stream().map(s -> s.key().sandbox()).distinct().toList();
        List<String> metrics = summaries.stream().map(s -> s.key().metric()).distinct().toList();
        Comparator<Summary> order = Comparator.<Summary>comparingInt(s -> sandboxes.indexOf(s.key().sandbox()))
                .thenComparing(s -> s.key().language())
                .thenComparingInt(s -> metrics.indexOf(s.key().metric()))
                .thenComparing(s -> s.key().parameter(), Parameters.NATURAL_ORDER);
        return summaries.stream().sorted(order).toList();
    }

    /** The table's column names, shared by both formats. */
    static final List<String> COLUMNS = List.of("sandbox", "language", "parameter", "metric", "unit", "n", "median",
            "mean", "p95", "paper median", "ours/paper");

    /** The cells of one table line, formatted. */
    static List<String> cells(ComparisonRow row) {
        Summary s = row.ours();
        return List.of(s.key().sandbox(), s.key().language(), s.key().parameter(), s.key().metric(), s.unit(),
                Integer.toString(s.count()), Formats.number(s.median()), Formats.number(s.mean()),
                Formats.number(s.p95()), row.paper().map(p -> Formats.number(p.median())).orElse(""),
                Formats.ratio(row.ratio()));
    }

    static final List<String> PAPER_COLUMNS = List.of("paper target", "language", "parameter", "metric", "unit", "n",
            "median", "mean", "p95");

    static List<String> paperCells(Summary s) {
        return List.of(PaperData.label(s.key().sandbox()), s.key().language(), s.key().parameter(), s.key().metric(),
                s.unit(), Integer.toString(s.count()), Formats.number(s.median()), Formats.number(s.mean()),
                Formats.number(s.p95()));
    }

    /** Where the paper's numbers come from, for the report's introduction. */
    static final String PAPER_NOTE = "Paper values come from the artifact of \"Are Unikernels Ready for Serverless "
            + "on the Edge?\" (Intel NUC i5-1135G7, Ubuntu 23.04, kernel 6.2, every function limited to 1 vCPU and "
            + "512 MiB, all microVMs on Firecracker), converted to our units. Each of our sandboxes is compared with "
            + "the paper target of the same kind (runc and crun with Docker/runc, runsc with gVisor, a Linux guest "
            + "with the Linux microVM, nanos and osv with themselves); ours/paper is the ratio of the medians.";
}
