package dev.edgefaas.bench.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The seed paper's published measurements, mapped onto our experiment, metric, parameter and
 * unit names (see {@link PaperCsv}) and summarized like our own results. Summaries are keyed
 * by paper target: {@code docker}, {@code gvisor}, {@code linux}, {@code nanos}, {@code osv},
 * or {@link #ANY_TARGET} for the warm-overhead data, which names no sandbox. Immutable.
 */
public final class PaperData {
    /** System property naming the directory; overrides the search from the working directory. */
    public static final String DIRECTORY_PROPERTY = "edgefaas.paper.dir";
    /** Target of paper data that applies to every sandbox. */
    public static final String ANY_TARGET = "*";

    private static final String RELATIVE_LOCATION = "shared/reference/paper-data";
    private static final Map<String, String> LABELS = Map.of(
            "docker", "runc (paper, Docker)",
            "gvisor", "runsc (paper, Docker+KVM)",
            "linux", "linux microVM (paper, Firecracker)",
            "nanos", "nanos (paper)",
            "osv", "osv (paper)",
            ANY_TARGET, "harness (paper)");

    private final ResultTable table;

    private PaperData(ResultTable table) {
        this.table = table;
    }

    /**
     * Reads a copy of the paper's {@code experiments/} folder.
     *
     * @throws IllegalArgumentException if {@code directory} is not a directory or a file is malformed
     */
    public static PaperData load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("paper data directory " + directory + " does not exist: set -D"
                    + DIRECTORY_PROPERTY + " to the folder holding cold_start/, burst/, ...");
        }
        return new PaperData(ResultTable.of(PaperCsv.read(directory)));
    }

    /** No reference data: every lookup is empty. */
    public static PaperData empty() {
        return new PaperData(ResultTable.of(List.of()));
    }

    /**
     * Where the reference data is: the directory named by {@value #DIRECTORY_PROPERTY} if set,
     * otherwise the first {@code shared/reference/paper-data} found in the working directory or
     * one of its ancestors (which includes {@code ../shared/reference/paper-data}).
     */
    public static Optional<Path> locate() {
        String property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(Path.of(property));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_LOCATION);
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Summaries keyed by paper target. */
    public ResultTable table() {
        return table;
    }

    public boolean isEmpty() {
        return table.isEmpty();
    }

    /**
     * The paper target one of our sandboxes compares with: runc and crun with {@code docker},
     * runsc with {@code gvisor}, a Linux guest on any microVM monitor (qemu-microvm,
     * firecracker) with {@code linux}, nanos and osv with themselves; empty for sandboxes the
     * paper did not measure, such as {@code process}.
     */
    public static Optional<String> targetFor(String sandbox) {
        String s = sandbox.toLowerCase(Locale.ROOT);
        if (s.contains("nanos")) {
            return Optional.of("nanos");
        } else if (s.contains("osv")) {
            return Optional.of("osv");
        } else if (s.startsWith("runsc") || s.startsWith("gvisor")) {
            return Optional.of("gvisor");
        } else if (s.startsWith("runc") || s.startsWith("crun") || s.startsWith("docker")) {
            return Optional.of("docker");
        } else if (s.contains("microvm") || s.contains("firecracker") || s.startsWith("linux")) {
            return Optional.of("linux");
        }
        return Optional.empty();
    }

    /** How figures and tables name a paper target, e.g. {@code "runc (paper, Docker)"}. */
    public static String label(String target) {
        return LABELS.getOrDefault(target, target + " (paper)");
    }

    /**
     * The paper's summary comparable to one of ours: same experiment, language, metric and
     * unit, from the target {@link #targetFor} names or else from {@link #ANY_TARGET}. The
     * paper's parameter must equal ours or, failing that, be the largest part of ours: the
     * paper's {@code attempt=first} compares with our {@code attempt=first;n=1000000000}. A
     * metric named {@code <base>_p50} or {@code <base>_median} also matches the paper's
     * {@code <base>}, since both are then compared by their medians.
     */
    public Optional<Summary> reference(SeriesKey ours, String unit) {
        List<String> metrics = ours.metric().matches(".+_(p50|median)")
                ? List.of(ours.metric(), ours.metric().substring(0, ours.metric().lastIndexOf('_')))
                : List.of(ours.metric());
        List<String> targets = targetFor(ours.sandbox()).map(t -> List.of(t, ANY_TARGET)).orElse(List.of(ANY_TARGET));
        Set<String> ourItems = Parameters.items(ours.parameter());
        for (String target : targets) {
            for (String metric : metrics) {
                Optional<Summary> found = table.find(ours.with(target, metric)).filter(s -> s.unit().equals(unit));
                if (found.isEmpty()) {
                    found = table.summaries(ours.experiment()).stream()
                            .filter(s -> s.key().sandbox().equals(target) && s.key().language().equals(ours.language())
                                    && s.key().metric().equals(metric) && s.unit().equals(unit))
                            .filter(s -> ourItems.containsAll(Parameters.items(s.key().parameter())))
                            .max(Comparator.comparingInt(s -> Parameters.items(s.key().parameter()).size()));
                }
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }
}
