package dev.edgefaas.cli;

import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.bench.ResultRow;
import dev.edgefaas.bench.Soak;
import dev.edgefaas.bench.SoakResult;
import dev.edgefaas.function.Durations;
import dev.edgefaas.sandbox.SandboxBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Steady load through the gateway with instances killed at random; reports",
            "requests, errors by status, p99, and the gateway's heap and file descriptors",
            "at warm start and end. Passes with zero requests lost that the client could",
            "not retry, and no growth of heap or descriptors once warm; exit status 1 if not."})
final class SoakCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--sandbox", defaultValue = "process", description = "Sandbox of the instances (default: ${DEFAULT-VALUE}).")
    String sandbox;
    @Option(names = "--duration", defaultValue = "10m", description = "Load time, e.g. 30s, 5m, 1h (default: ${DEFAULT-VALUE}).")
    String duration;
    @Option(names = "--clients", defaultValue = "8", description = "Client threads, each on a keep-alive connection (default: ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--kill-every", defaultValue = "5s",
            description = "Mean interval between kills of a random ready instance (default: ${DEFAULT-VALUE}).")
    String killEvery;
    @Option(names = "--max-instances", defaultValue = "4",
            description = "The function's max-instances; its concurrency is set so the clients fill them (default: ${DEFAULT-VALUE}).")
    int maxInstances;
    @Option(names = "--report-every", defaultValue = "10s", description = "Interval of progress lines on stderr (default: ${DEFAULT-VALUE}).")
    String reportEvery;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write tidy CSV rows to FILE.")
    Path csv;

    @Override
    public Integer call() throws Exception {
        Soak.Settings settings = settings();
        checkSandbox();
        SoakResult result;
        try (BenchPlatform bench = new BenchPlatform(sandbox, BenchPlatform.benchStateDirectory())) {
            System.err.printf("soak: %s for %s, warm-up %s, %d clients, a kill every %s on average%n", sandbox,
                    Durations.format(settings.duration()), Durations.format(settings.warmup()), clients,
                    Durations.format(settings.killEvery()));
            result = Soak.run(bench, settings, System.err);
        }
        result.lines().forEach(System.out::println);
        if (csv != null) {
            List<String> lines = new ArrayList<>(List.of(ResultRow.CSV_HEADER));
            result.rows().forEach(row -> lines.add(row.csv()));
            Files.write(csv, lines);
        }
        return result.verdict().passed() ? 0 : 1;
    }

    private Soak.Settings settings() {
        Duration load = duration("--duration", duration);
        try {
            return new Soak.Settings(sandbox, load, Soak.Settings.warmupFor(load), clients, duration("--kill-every", killEvery),
                    duration("--report-every", reportEvery), maxInstances);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Duration duration(String option, String text) {
        return DurationOptions.parse(spec, option, text);
    }

    private void checkSandbox() {
        Map<String, SandboxBackend> backends = BenchOptions.backends();
        SandboxBackend backend = backends.get(sandbox);
        if (backend == null) {
            throw new ParameterException(spec.commandLine(), "--sandbox: '" + sandbox + "' is not a sandbox; use one of "
                    + backends.keySet());
        }
        if (!backend.probe().usable()) {
            throw new ParameterException(spec.commandLine(), "--sandbox: " + sandbox + " cannot run here: "
                    + backend.probe().summary());
        }
    }
}
