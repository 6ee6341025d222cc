package dev.edgefaas.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.bench.ResultRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders a small synthetic result set (two sandboxes, several experiments) beside the real paper data. */
class ReportTest {
    private static final double[] RUNC_GO_COLD_MS = {300, 100, 500, 200, 400};
    private static final double[] PROCESS_GO_COLD_MS = {10, 20, 30, 40, 50};
    private static final double[] PROCESS_NODE_COLD_MS = {60, 80};
    private static final List<String> WITH_DATA = List.of("fig03-cold-start", "fig04-burst-go", "fig05-startup-cost",
            "fig07-idle-memory-go", "fig08-fib", "fig11-network", "fig12-static", "fig14-warm-overhead");
    private static final List<String> WITHOUT_DATA = List.of("fig06-idle-cpu", "fig09-matrix", "fig10-alloc",
            "fig13-read", "fig04-burst-node");

    @TempDir
    static Path directory;
    static Path html;
    static String markdown;
    static String page;

    @BeforeAll
    static void render() throws Exception {
        Path csv = directory.resolve("results.csv");
        List<String> lines = new ArrayList<>(List.of(ResultRow.CSV_HEADER));
        rows().forEach(row -> lines.add(row.csv()));
        Files.write(csv, lines);
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPU", "Synthetic CPU @ 1 GHz");
        machine.put("accelerator", "KVM");
        html = Report.render(csv, directory.resolve("out"), machine,
                List.of("perf counters unavailable: CPU time used instead of instructions"));
        markdown = Files.readString(directory.resolve("out/report.md"));
        page = Files.readString(html);
    }

    private static List<ResultRow> rows() {
        List<ResultRow> rows = new ArrayList<>();
        repeat(rows, "cold-start", "runc", "go", "", "latency", "ms", RUNC_GO_COLD_MS);
        repeat(rows, "cold-start", "process", "go", "", "latency", "ms", PROCESS_GO_COLD_MS);
        repeat(rows, "cold-start", "process", "node", "", "latency", "ms", PROCESS_NODE_COLD_MS);
        repeat(rows, "cold-start", "runc", "go", "", "phase_prepare", "ms", 5, 7, 9);
        repeat(rows, "cold-start", "nanos", "go", "start=boot", "latency", "ms", 590, 600, 610);
        repeat(rows, "cold-start", "nanos", "go", "start=restore", "latency", "ms", 170, 175);
        for (int n = 10; n <= 30; n += 10) {
            repeat(rows, "burst", "runc", "go", "n=" + n, "latency", "ms", 100.0 * n, 110.0 * n, 120.0 * n);
            repeat(rows, "burst", "process", "go", "n=" + n, "latency", "ms", 2.0 * n, 3.0 * n);
            repeat(rows, "burst", "runc", "go", "n=" + n, "total", "ms", 130.0 * n);
            repeat(rows, "idle-memory", "runc", "go", "n=" + n, "memavailable_drop", "MiB", 4.0 * n, 4.2 * n);
        }
        repeat(rows, "idle-memory", "runc", "go", "", "per_instance", "MiB", 4.1);
        repeat(rows, "startup-cost", "process", "go", "", "cpu_time", "ms", 3, 4, 5);
        repeat(rows, "startup-cost", "runc", "go", "", "cpu_time", "ms", 30, 40, 50);
        for (String attempt : List.of("first", "second")) {
            repeat(rows, "cpu", "runc", "go", "attempt=" + attempt, "time", "ms", 500, 510, 520);
            repeat(rows, "cpu", "process", "go", "attempt=" + attempt, "time", "ms", 490, 495);
        }
        for (int clients = 1; clients <= 4096; clients *= 8) {
            repeat(rows, "network", "runc", "go", "clients=" + clients, "throughput", "req/s", 5000.0 + clients);
            repeat(rows, "network", "process", "go", "clients=" + clients, "throughput", "req/s", 9000.0 + clients);
            repeat(rows, "network", "process", "go", "clients=" + clients, "errors", "count", 0);
        }
        repeat(rows, "network", "runc", "go", "static;clients=4", "throughput", "MiB/s", 900, 950);
        repeat(rows, "network", "process", "go", "static;clients=4", "throughput", "MiB/s", 1500);
        repeat(rows, "warm-overhead", "process", "go", "path=direct", "latency", "us", 100, 120);
        repeat(rows, "warm-overhead", "process", "go", "path=gateway", "latency", "us", 300, 320, 340);
        return rows;
    }

    private static void repeat(List<ResultRow> rows, String experiment, String sandbox, String language,
                               String parameter, String metric, String unit, double... values) {
        for (int i = 0; i < values.length; i++) {
            rows.add(new ResultRow(experiment, sandbox, language, parameter, i + 1, metric, values[i], unit));
        }
    }

    @Test
    void writesAValidPngAndSvgForEveryFigureWithData() throws Exception {
        for (String figure : WITH_DATA) {
            byte[] png = Files.readAllBytes(directory.resolve("out/" + figure + ".png"));
            assertThat(Arrays.copyOf(png, 8)).as(figure + ".png magic")
                    .containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
            assertThat(png.length).as(figure + ".png size").isGreaterThan(10_000);
            String svg = Files.readString(directory.resolve("out/" + figure + ".svg"), StandardCharsets.UTF_8).strip();
            assertThat(svg.startsWith("<?xml") || svg.startsWith("<svg")).as(figure + ".svg start").isTrue();
            assertThat(svg).contains("</svg>");
        }
    }

    @Test
    void drawsNoFigureWithoutDataAndSaysSo() {
        for (String figure : WITHOUT_DATA) {
            assertThat(directory.resolve("out/" + figure + ".png")).doesNotExist();
            assertThat(directory.resolve("out/" + figure + ".svg")).doesNotExist();
        }
        assertThat(markdown).contains("fig06-idle-cpu (", "fig09-matrix (", "fig13-read (", "not drawn");
        assertThat(page).contains("fig10-alloc (");
    }

    @Test
    void tablesShowOurMediansMeansAndP95() {
        assertThat(markdown).contains("| runc | go |  | latency | ms | 5 | " + number(median(RUNC_GO_COLD_MS)) + " | "
                + number(mean(RUNC_GO_COLD_MS)) + " | " + number(p95(RUNC_GO_COLD_MS)) + " | ");
        assertThat(markdown).contains("| process | go |  | latency | ms | 5 | " + number(median(PROCESS_GO_COLD_MS))
                + " | ");
        // An even count: the median is the mean of the middle two.
        assertThat(markdown).contains("| process | node |  | latency | ms | 2 | " + number(70) + " | ");
        assertThat(markdown).contains("| runc | go |  | phase_prepare | ms | 3 | " + number(7) + " | ");
        assertThat(markdown).contains("| process | go | path=gateway | latency | us | 3 | " + number(320) + " | ");
        assertThat(page).contains("<td>runc</td><td>go</td><td></td><td>latency</td><td>ms</td>"
                + "<td class=\"num\">5</td><td class=\"num\">" + number(median(RUNC_GO_COLD_MS)) + "</td>");
    }

    @Test
    void runcRowsCarryThePapersDockerMedianAndTheRatio() {
        List<String> cells = markdownRow("| runc | go |  | latency | ms |");
        double paperMedian = Double.parseDouble(cells.get(9).replace(",", ""));
        assertThat(paperMedian).as("paper median of the Docker Go cold start, ms").isBetween(300.0, 450.0);
        assertThat(cells.get(10)).isEqualTo(Formats.ratio(median(RUNC_GO_COLD_MS) / paperMedian));
        assertThat(markdownRow("| runc | go | n=30 | latency | ms |").get(9)).isNotEmpty();
    }

    @Test
    void bootedAndRestoredRowsOfOneSandboxAreBothComparedWithThePapersBoot() {
        String booted = markdownRow("| nanos | go | start=boot | latency | ms |").get(9);
        assertThat(booted).as("the paper's Nanos cold start").isNotEmpty();
        assertThat(markdownRow("| nanos | go | start=restore | latency | ms |").get(9)).isEqualTo(booted);
    }

    @Test
    void sandboxesThePaperDidNotMeasureHaveNoPaperValueButTheHarnessOverheadApplies() {
        List<String> process = markdownRow("| process | go |  | latency | ms |");
        assertThat(process.get(9)).isEmpty();
        assertThat(process.get(10)).isEmpty();
        List<String> gateway = markdownRow("| process | go | path=gateway | latency | us |");
        assertThat(Double.parseDouble(gateway.get(9).replace(",", ""))).isBetween(1500.0, 3000.0);
    }

    @Test
    void thePapersMetricsWeDidNotMeasureAreListedSeparately() {
        assertThat(markdown).contains("Paper values for metrics we did not measure");
        assertThat(markdown).contains("| runc (paper, Docker) | go |  | instructions | count |");
    }

    @Test
    void reportStartsWithMachineAndCaveats() {
        assertThat(markdown).contains("| CPU | Synthetic CPU @ 1 GHz |", "| accelerator | KVM |",
                "- perf counters unavailable: CPU time used instead of instructions");
        assertThat(markdown.indexOf("## Machine")).isLessThan(markdown.indexOf("## Caveats"));
        assertThat(markdown.indexOf("## Caveats")).isLessThan(markdown.indexOf("## Cold start"));
        assertThat(markdown).contains("![Fig. 3: single cold start (median)](fig03-cold-start.png)");
    }

    @Test
    void everyImageInTheHtmlExistsAndHasItsSize() {
        Matcher img = Pattern.compile("<img ([^>]*)>").matcher(page);
        List<String> sources = new ArrayList<>();
        while (img.find()) {
            String attributes = img.group(1);
            assertThat(attributes).contains("width=\"", "height=\"", "alt=\"");
            Matcher src = Pattern.compile("src=\"([^\"]+)\"").matcher(attributes);
            assertThat(src.find()).isTrue();
            sources.add(src.group(1));
            assertThat(html.resolveSibling(src.group(1))).isRegularFile();
        }
        assertThat(sources).containsExactlyInAnyOrderElementsOf(WITH_DATA.stream().map(f -> f + ".png").toList());
        // One file that opens offline: its script and the figures' numbers inline, nothing loaded from elsewhere.
        assertThat(page).contains("<script type=\"application/json\" id=\"figure-data\">")
                .doesNotContain("<script src", "src=\"http", "href=\"http", "url(http");
    }

    private static List<String> markdownRow(String prefix) {
        String line = markdown.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no table row starting with " + prefix + " in\n" + markdown));
        List<String> cells = new ArrayList<>();
        for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static String number(double value) {
        return Formats.number(value);
    }

    private static double median(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double mean(double... values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** numpy's default: linear between the order statistics around rank 0.95 (n - 1). */
    private static double p95(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = 0.95 * (sorted.length - 1);
        int below = (int) rank;
        return sorted[below] + (rank - below) * (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]);
    }
}
