package dev.edgefaas.cli;

import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.bench.experiment.BenchRunner;
import dev.edgefaas.bench.experiment.Experiment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bench <experiment>}: one experiment over the chosen sandboxes, rows appended to a CSV. */
@Command(mixinStandardHelpOptions = true)
final class ExperimentCommand implements Callable<Integer> {
    private final Experiment experiment;
    @Mixin
    BenchOptions options;

    ExperimentCommand(Experiment experiment) {
        this.experiment = experiment;
    }

    @Override
    public Integer call() throws Exception {
        List<String> sandboxes = options.sandboxes(BenchOptions.backends());
        Path directory = Files.createDirectories(options.outputDirectory());
        Path csv = directory.resolve("results.csv");
        System.err.println(experiment.name() + " (" + experiment.figure() + ") on " + sandboxes + " -> " + csv);
        List<BenchRunner.Failure> failures = new BenchRunner(System.err, BenchPlatform.benchStateDirectory())
                .run(List.of(experiment), sandboxes, options.settings(), csv);
        failures.forEach(f -> System.err.println("failed: " + f.experiment() + " on " + f.sandbox() + ": " + f.message()));
        System.out.println(csv);
        return failures.isEmpty() ? 0 : 1;
    }
}
