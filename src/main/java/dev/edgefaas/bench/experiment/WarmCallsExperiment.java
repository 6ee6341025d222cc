package dev.edgefaas.bench.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Figs. 8, 9, 10, 13: a workload's first and second warm call (the instance is started by an
 * unmeasured call before), as the client sees it and as the function timed itself.
 */
public final class WarmCallsExperiment implements Experiment {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String figure;
    private final String sample;
    private final String query;
    private final String quickQuery;

    private WarmCallsExperiment(String name, String figure, String sample, String query, String quickQuery) {
        this.name = name;
        this.figure = figure;
        this.sample = sample;
        this.query = query;
        this.quickQuery = quickQuery;
    }

    public static WarmCallsExperiment cpu() {
        return new WarmCallsExperiment("cpu", "Fig. 8", "fib-go", "?n=1000000000", "?n=100000000");
    }

    public static WarmCallsExperiment matrix() {
        return new WarmCallsExperiment("matrix", "Fig. 9", "matrix-go", "?n=1024", "?n=256");
    }

    public static WarmCallsExperiment alloc() {
        return new WarmCallsExperiment("alloc", "Fig. 10", "alloc-go", "?mib=50", "?mib=50");
    }

    public static WarmCallsExperiment read() {
        return new WarmCallsExperiment("read", "Fig. 13", "read-go", "", "");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String figure() {
        return figure;
    }

    @Override
    public int steps(Settings settings) {
        return repetitions(settings);
    }

    private static int repetitions(Settings settings) {
        return settings.quick() ? Math.min(3, settings.reps()) : Math.min(10, settings.reps());
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        String function = name + "-fn";
        String parameters = context.settings().quick() ? quickQuery : query;
        for (int rep = 1; rep <= repetitions(context.settings()); rep++) {
            context.platform().deploySample(sample, function, "\"concurrency\": 1, \"max-instances\": 1");
            URI uri = context.platform().gateway(function, "/" + parameters);
            context.get(context.platform().gateway(function, "/?n=1&mib=1"));
            for (String attempt : new String[] {"first", "second"}) {
                long start = System.nanoTime();
                HttpResponse<String> response = context.get(uri);
                double clientMillis = (System.nanoTime() - start) / 1e6;
                String parameter = "attempt=" + attempt + (parameters.isEmpty() ? "" : ";" + parameters.substring(1));
                context.emit("go", parameter, rep, "time", clientMillis, "ms");
                double functionMillis = JSON.readTree(response.body()).path("elapsed_ms").asDouble(Double.NaN);
                if (!Double.isNaN(functionMillis)) {
                    context.emit("go", parameter, rep, "function_time", functionMillis, "ms");
                }
            }
            // A fresh instance per repetition, as the paper measured first calls.
            context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(30));
            context.step("repetition " + rep);
        }
    }
}
