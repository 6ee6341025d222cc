package dev.edgefaas.bench.experiment;

import java.util.List;
import java.util.stream.IntStream;

/**
 * One measurement of the paper's section 4, run against one sandbox at a time. It assumes
 * nothing about the sandbox beyond the SPI, so a sandbox added later joins it unchanged.
 */
public interface Experiment {

    /** The name used on the command line and in the CSV, e.g. {@code cold-start}. */
    String name();

    /** The paper figure it reproduces, e.g. {@code Fig. 3}. */
    String figure();

    /** How many progress steps {@link #run} takes for these settings, for the time estimate. */
    int steps(Settings settings);

    /** Measures on {@code context}'s sandbox and emits rows; an interruption keeps what was emitted. */
    void run(ExperimentContext context) throws Exception;

    /**
     * What a run is asked for.
     *
     * @param reps  repetitions where the paper repeated (paper: 100)
     * @param quick CI scale: fewer points, shorter waits
     */
    record Settings(int reps, boolean quick) {
        /** The paper's instance counts: 10, 20, ... up to {@code max}. */
        static List<Integer> tens(int max) {
            return IntStream.rangeClosed(1, max / 10).map(i -> i * 10).boxed().toList();
        }
    }
}
