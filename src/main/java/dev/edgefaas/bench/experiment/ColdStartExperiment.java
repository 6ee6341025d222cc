package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.KeepAliveConnection;
import java.net.URI;
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
        for (String language : context.languages()) {
            String function = "cold-" + language;
            context.platform().deploySample("hello-" + language, function, "\"single-use\": true, \"concurrency\": 1");
            URI gateway = context.platform().gateway(function, "/");
            for (int rep = 1; rep <= context.settings().reps(); rep++) {
                long start = System.nanoTime();
                String timing;
                try (KeepAliveConnection connection = new KeepAliveConnection(gateway)) {
                    timing = connection.getWithHeader("Server-Timing");
                }
                double millis = (System.nanoTime() - start) / 1e6;
                context.emit(language, "", rep, "latency", millis, "ms");
                for (String phase : timing.split(",")) {
                    String[] parts = phase.trim().split(";");
                    String duration = parts[parts.length - 1];
                    if (parts.length >= 2 && duration.startsWith("dur=") && !parts[0].equals("wait")) {
                        context.emit(language, "", rep, "phase_" + parts[0], Double.parseDouble(duration.substring(4)), "ms");
                    }
                }
                context.awaitNoInstances(function);
                context.step(language + " " + rep);
            }
            context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(10));
        }
    }
}
