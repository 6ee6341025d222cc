package dev.edgefaas.bench.experiment;

import java.time.Duration;
import java.util.List;

/**
 * Fig. 3: single cold starts of {@code hello} (Go, Node.js) through the gateway as the client
 * sees them, with the platform's phases from {@code Server-Timing}.
 */
public final class ColdStartExperiment implements Experiment {
    static final List<String> LANGUAGES = List.of("go", "node");

    @Override
    public String name() {
        return "cold-start";
    }

    @Override
    public String figure() {
        return "Fig. 3";
    }

    @Override
    public int steps(Settings settings) {
        return LANGUAGES.size() * settings.reps();
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        List<StartMode> modes = context.startModes();
        for (String language : context.languages()) {
            for (StartMode mode : modes) {
                String function = function(language, mode);
                context.platform().deploySample("hello-" + language, function,
                        mode.manifest("\"single-use\": true, \"concurrency\": 1"));
                if (mode == StartMode.RESTORE) {
                    // The first start saves the snapshot (a boot and then some): measured are the clones.
                    context.coldStart(function);
                }
            }
            // Interleaved, booted then restored, so that a noisy moment of the host falls on both.
            for (int rep = 1; rep <= context.settings().reps(); rep++) {
                for (StartMode mode : modes) {
                    ExperimentContext.ColdStart cold = context.coldStart(function(language, mode));
                    String parameter = mode.parameter("");
                    context.emit(language, parameter, rep, "latency", cold.millis(), "ms");
                    for (String phase : cold.serverTiming().split(",")) {
                        String[] parts = phase.trim().split(";");
                        String duration = parts[parts.length - 1];
                        if (parts.length >= 2 && duration.startsWith("dur=") && !parts[0].equals("wait")) {
                            context.emit(language, parameter, rep, "phase_" + parts[0],
                                    Double.parseDouble(duration.substring(4)), "ms");
                        }
                    }
                }
                context.step(language + " " + rep);
            }
            for (StartMode mode : modes) {
                context.platform().platform().dispatcher().remove(function(language, mode), Duration.ofSeconds(10));
            }
        }
    }

    private static String function(String language, StartMode mode) {
        return "cold-" + language + mode.label().replace(' ', '-');
    }

}
