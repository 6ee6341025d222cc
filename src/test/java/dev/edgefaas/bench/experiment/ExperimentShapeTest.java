package dev.edgefaas.bench.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every experiment at its smallest scale on the process sandbox: the CSV has the tidy shape,
 * every value is a positive, plausible number. Benchmarks assert no speed; these check the data.
 */
class ExperimentShapeTest {
    private static final Experiment.Settings SMALLEST = new Experiment.Settings(2, true);

    @TempDir
    Path directory;

    static List<String> experiments() {
        return ExperimentCatalog.all().stream().map(Experiment::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("experiments")
    void anExperimentWritesTidyPositiveRowsForTheProcessSandbox(String name) throws IOException {
        Path csv = directory.resolve("results.csv");

        List<BenchRunner.Failure> failures = new BenchRunner(System.err)
                .run(List.of(ExperimentCatalog.named(name).orElseThrow()), List.of("process"), SMALLEST, csv);

        assertThat(failures).isEmpty();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).isEqualTo("experiment,sandbox,language,parameter,repetition,metric,value,unit");
        List<Row> rows = lines.stream().skip(1).map(Row::parse).toList();
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.sandbox()).isEqualTo("process");
            assertThat(row.unit()).isNotBlank();
            assertThat(row.value()).as(row.toString()).isFinite();
            // The host's MemAvailable moves with everything else on it: its drop may come out negative.
            if (!row.metric().equals("memavailable_drop")) {
                assertThat(row.value()).as(row.toString()).isGreaterThanOrEqualTo(0);
            }
        });
        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(row.experiment()).isEqualTo(name));
        assertThat(rows).filteredOn(r -> r.metric().equals("per_instance"))
                .allSatisfy(r -> assertThat(r.value()).isPositive());
        // Every request of a burst must be a cold start and answer, or the figure measures something else.
        assertThat(rows).filteredOn(r -> r.metric().equals("not_cold") || r.metric().equals("failures"))
                .allSatisfy(r -> assertThat(r.value()).as(r.toString()).isZero());
    }

    @Test
    void workloadsTakeLongerThanANoOpAndColdStartsLongerThanWarmRequests() throws IOException {
        Path csv = directory.resolve("results.csv");
        // Five repetitions: the first cold start of a fresh JVM is slow, and a median of two would be it.
        new BenchRunner(System.err).run(List.of(new ColdStartExperiment(), WarmCallsExperiment.cpu(),
                new WarmOverheadExperiment()), List.of("process"), new Experiment.Settings(5, true), csv);
        List<Row> rows = Files.readAllLines(csv).stream().skip(1).map(Row::parse).toList();

        double coldGo = median(rows, "cold-start", "latency", "go");
        double nodeCold = median(rows, "cold-start", "latency", "node");
        double fib = median(rows, "cpu", "function_time", "go");
        double warmMicros = rows.stream().filter(r -> r.experiment().equals("warm-overhead")
                && r.parameter().equals("path=gateway") && r.metric().equals("latency_p50")).findFirst().orElseThrow().value();

        assertThat(fib).as("fib(1e8) against a no-op warm request").isGreaterThan(warmMicros / 1000);
        assertThat(coldGo).as("a cold start against a warm request").isGreaterThan(warmMicros / 1000);
        assertThat(nodeCold).as("Node.js starts slower than a static Go binary").isGreaterThan(coldGo);
    }

    private static double median(List<Row> rows, String experiment, String metric, String language) {
        List<Double> values = rows.stream()
                .filter(r -> r.experiment().equals(experiment) && r.metric().equals(metric) && r.language().equals(language))
                .map(Row::value).sorted().toList();
        assertThat(values).as(experiment + " " + metric + " " + language).isNotEmpty();
        return values.get(values.size() / 2);
    }

    private record Row(String experiment, String sandbox, String language, String parameter, int repetition,
                       String metric, double value, String unit) {
        static Row parse(String line) {
            String[] f = line.split(",", -1);
            return new Row(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), f[5], Double.parseDouble(f[6]), f[7]);
        }
    }
}
