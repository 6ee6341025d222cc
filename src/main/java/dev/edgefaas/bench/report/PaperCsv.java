package dev.edgefaas.bench.report;

import dev.edgefaas.bench.Csv;
import dev.edgefaas.bench.ResultRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the paper artifact's CSV files into our tidy rows: our experiment and metric names,
 * milliseconds instead of seconds, {@code n=}, {@code attempt=} and {@code path=} parameters,
 * and the targets {@code runc}/{@code runsc} of the raw-runtime files renamed to
 * {@code docker}/{@code gvisor} like everywhere else. A file that is absent contributes nothing.
 */
final class PaperCsv {
    private static final double MS_PER_S = 1e3;
    private static final double US_PER_S = 1e6;

    private final Path directory;
    private final List<ResultRow> rows = new ArrayList<>();

    private PaperCsv(Path directory) {
        this.directory = directory;
    }

    static List<ResultRow> read(Path directory) {
        PaperCsv csv = new PaperCsv(directory);
        csv.coldStart();
        csv.burst();
        csv.startup();
        csv.idle();
        // With the paper's workload sizes, so that a quick run's smaller ones find no paper value.
        csv.timed("cpu/fib.csv", "cpu", MS_PER_S, "n=1000000000");
        csv.timed("cpu/matrix.csv", "matrix", 1, "n=1024");
        csv.matrixAsReportedByTheFunction();
        csv.timed("alloc/alloc.csv", "alloc", MS_PER_S, "mib=50");
        csv.timed("read/read.csv", "read", MS_PER_S, "");
        csv.warm();
        csv.networkFromText();
        return List.copyOf(csv.rows);
    }

    private void coldStart() {
        for (Map<String, String> r : records("cold_start/cold-start.csv")) {
            add("cold-start", r.get("target"), r.get("language"), "", "latency", seconds(r, "time"), "ms");
        }
    }

    private void burst() {
        for (Map<String, String> r : records("burst/time.csv")) {
            add("burst", r.get("target"), r.get("language"), "n=" + r.get("instances"), "latency", seconds(r, "time"),
                    "ms");
        }
    }

    private void startup() {
        for (Map<String, String> r : records("startup/startup-instructions.csv")) {
            // The paper's Figure 5 shows starts with the page cache evicted (cached=0).
            String parameter = r.get("cached").equals("0") ? "" : "page-cache=warm";
            add("startup-cost", r.get("target"), r.get("language"), parameter, "instructions",
                    number(r, "instructions"), "count");
        }
    }

    private void idle() {
        for (Map<String, String> r : records("idle_instructions/instructions.csv")) {
            add("idle-cpu", r.get("target"), r.get("language"), "", "instructions", number(r, "instructions"), "count");
        }
        for (Map<String, String> r : records("idle_mem/memory.csv")) {
            double instances = number(r, "instances");
            double mib = number(r, "memory");
            String n = "n=" + r.get("instances");
            add("idle-memory", r.get("target"), r.get("language"), n, "memavailable_drop", mib, "MiB");
            add("idle-memory", r.get("target"), r.get("language"), n, "per_instance", mib / instances, "MiB");
            // Over all n, as the paper's per-instance means are.
            add("idle-memory", r.get("target"), r.get("language"), "", "per_instance", mib / instances, "MiB");
        }
    }

    /** The warm-call files: one Go function, columns target,time,attempt. */
    private void timed(String file, String experiment, double msPerUnit, String size) {
        for (Map<String, String> r : records(file)) {
            add(experiment, r.get("target"), "go", "attempt=" + r.get("attempt") + (size.isEmpty() ? "" : ";" + size), "time",
                    number(r, "time") * msPerUnit, "ms");
        }
    }

    /** The paper's matrix times are the function's own measurement, which ours reports as function_time. */
    private void matrixAsReportedByTheFunction() {
        for (Map<String, String> r : records("cpu/matrix.csv")) {
            add("matrix", r.get("target"), "go", "attempt=" + r.get("attempt") + ";n=1024", "function_time", number(r, "time"),
                    "ms");
        }
    }

    private void warm() {
        for (Map<String, String> r : records("warm/overhead.csv")) {
            String path = r.get("kind").equals("faas") ? "gateway" : r.get("kind");
            add("warm-overhead", PaperData.ANY_TARGET, "go", "path=" + path, "latency", number(r, "time") * US_PER_S,
                    "us");
        }
    }

    /** Section 4.7 published no CSV; these are the numbers its text states. */
    private void networkFromText() {
        add("network", "osv", "go", "", "peak_throughput", 44_793, "req/s");
        add("network", "linux", "go", "", "peak_throughput", 24_621, "req/s");
        add("network", "nanos", "go", "static;clients=4", "throughput", 271, "MiB/s");
        add("network", "gvisor", "go", "static;clients=4", "throughput", 180, "MiB/s");
    }

    private void add(String experiment, String target, String language, String parameter, String metric,
                     double value, String unit) {
        String normalized = switch (target) {
            case "runc" -> "docker";
            case "runsc" -> "gvisor";
            default -> target;
        };
        rows.add(new ResultRow(experiment, normalized, language, parameter, 1, metric, value, unit));
    }

    private static double seconds(Map<String, String> record, String column) {
        return number(record, column) * MS_PER_S;
    }

    private static double number(Map<String, String> record, String column) {
        String text = record.get(column);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("paper data " + record.get("#where") + ": column '" + column
                    + "' is not a number: '" + text + "'", e);
        }
    }

    /** The file's rows as column-name maps, with {@code #where} = file:line; none if the file is absent. */
    private List<Map<String, String>> records(String file) {
        Path path = directory.resolve(file);
        if (!Files.isRegularFile(path)) {
            return List.of();
        }
        List<Csv.Row> rows = Csv.read(path);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> header = rows.getFirst().fields();
        List<Map<String, String>> records = new ArrayList<>();
        for (Csv.Row row : rows.subList(1, rows.size())) {
            if (row.fields().size() != header.size()) {
                throw new IllegalArgumentException("paper data " + path + ":" + row.line() + ": expected "
                        + header.size() + " fields (" + String.join(",", header) + "), found " + row.fields().size());
            }
            Map<String, String> record = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                record.put(header.get(c), row.fields().get(c));
            }
            record.put("#where", path + ":" + row.line());
            records.add(record);
        }
        return records;
    }
}
