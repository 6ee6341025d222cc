package dev.edgefaas.cli;

import dev.edgefaas.bench.experiment.Experiment;
import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.sandbox.SandboxBackend;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every experiment command shares. */
final class BenchOptions {
    @Option(names = "--sandbox", split = ",", paramLabel = "NAME",
            description = "Sandboxes to measure (default: every one doctor finds usable).")
    List<String> sandboxes;
    @Option(names = "--reps", defaultValue = "100", description = "Repetitions where the paper repeated (default: ${DEFAULT-VALUE}, the paper's).")
    int reps;
    @Option(names = "--quick", description = "CI scale: 5 repetitions, fewer points, short waits.")
    boolean quick;
    @Option(names = "--out", paramLabel = "DIR", description = "Where results go (default: results/<timestamp>).")
    Path out;

    Experiment.Settings settings() {
        return new Experiment.Settings(quick ? Math.min(reps, 5) : reps, quick);
    }

    Path outputDirectory() {
        return out != null ? out
                : Path.of("results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** The sandboxes asked for, checked; or every usable one. */
    List<String> sandboxes(Map<String, SandboxBackend> backends) {
        List<String> chosen = new ArrayList<>();
        if (sandboxes == null) {
            backends.forEach((name, backend) -> {
                if (backend.probe().usable()) {
                    chosen.add(name);
                }
            });
            return chosen;
        }
        for (String name : sandboxes) {
            SandboxBackend backend = backends.get(name);
            if (backend == null) {
                throw new IllegalArgumentException("--sandbox: '" + name + "' is not a sandbox; use one of " + backends.keySet());
            }
            if (!backend.probe().usable()) {
                throw new IllegalArgumentException("--sandbox: " + name + " cannot run here: " + backend.probe().summary());
            }
            chosen.add(name);
        }
        return chosen;
    }

    static Map<String, SandboxBackend> backends() {
        return SandboxCatalog.probeOnly();
    }
}
