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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every experiment command shares. */
final class BenchOptions {
    /** The command these options are mixed into, so that a bad value is reported as its usage error, not a stack trace. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;
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
                throw usageError("--sandbox: '" + name + "' is not a sandbox; use one of " + backends.keySet());
            }
            if (!backend.probe().usable()) {
                throw usageError("--sandbox: " + name + " cannot run here: " + backend.probe().summary());
            }
            chosen.add(name);
        }
        return chosen;
    }

    /** {@code message} as picocli reports a bad option: the message and a pointer to --help, exit status 2. */
    ParameterException usageError(String message) {
        return new ParameterException(command.commandLine(), message);
    }

    static Map<String, SandboxBackend> backends() {
        return SandboxCatalog.probeOnly();
    }
}
