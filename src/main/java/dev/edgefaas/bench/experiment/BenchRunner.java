package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.BenchPlatform;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs experiments over sandboxes, each pair on a platform of its own, writing rows to one CSV as
 * they come. A failing pair is reported and skipped; the others go on.
 */
public final class BenchRunner {
    private static final Logger LOG = Logger.getLogger(BenchRunner.class.getName());

    private final PrintStream console;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Function<String, BenchPlatform> platforms;

    /** A runner whose platforms keep their state in {@code stateDirectory} (the reaper cleans up after an interrupted run). */
    public BenchRunner(PrintStream console, Path stateDirectory) {
        this(console, sandbox -> new BenchPlatform(sandbox, stateDirectory));
    }

    /** A runner whose platforms have temporary state directories: for tests. */
    public BenchRunner(PrintStream console) {
        this(console, BenchPlatform::new);
    }

    private BenchRunner(PrintStream console, Function<String, BenchPlatform> platforms) {
        this.console = console;
        this.platforms = platforms;
    }

    /** What went wrong, by experiment and sandbox, for the report's caveats. */
    public record Failure(String experiment, String sandbox, String message) {
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs and closes the platform.
        }
    }

    public List<Failure> run(List<Experiment> experiments, List<String> sandboxes, Experiment.Settings settings, Path csv) {
        int steps = 0;
        for (Experiment experiment : experiments) {
            steps += experiment.steps(settings) * sandboxes.size();
        }
        long earlier = ResultSink.rowsIn(csv);
        if (earlier > 0) {
            // Appending is how an interrupted report is completed; unnoticed, it pools two runs' figures.
            console.println("note: " + csv + " already holds " + earlier + " rows of an earlier run; this run's join"
                    + " them, and medians and figures of the file pool both (--out DIR for a run of its own)");
        }
        Progress progress = new Progress(console, steps);
        List<Failure> failures = new ArrayList<>();
        try (ResultSink sink = new ResultSink(csv)) {
            for (Experiment experiment : experiments) {
                for (String sandbox : sandboxes) {
                    if (stopping.get()) {
                        return failures;
                    }
                    BenchPlatform platform = platforms.apply(sandbox);
                    // Ctrl-C or SIGTERM: the rows so far are on disk; stop the instances too, and start nothing new.
                    Thread stopOnSignal = new Thread(() -> {
                        stopping.set(true);
                        platform.close();
                    }, "bench-interrupted");
                    Runtime.getRuntime().addShutdownHook(stopOnSignal);
                    try (platform) {
                        experiment.run(new ExperimentContext(experiment, sandbox, settings, platform, sink, progress));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        failures.add(new Failure(experiment.name(), sandbox, "interrupted"));
                        return failures;
                    } catch (Exception e) {
                        if (stopping.get()) {
                            failures.add(new Failure(experiment.name(), sandbox, "interrupted"));
                            return failures;
                        }
                        LOG.log(Level.FINE, "experiment failed", e);
                        failures.add(new Failure(experiment.name(), sandbox, String.valueOf(e.getMessage())));
                        progress.note(experiment.name() + " on " + sandbox + " failed: " + e.getMessage());
                    } finally {
                        removeHook(stopOnSignal);
                    }
                }
            }
        }
        return failures;
    }
}
