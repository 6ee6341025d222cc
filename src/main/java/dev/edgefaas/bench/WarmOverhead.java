package dev.edgefaas.bench;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The paper's warm-request overhead: the same warm instance asked directly, through the gateway
 * and, where nginx is installed, through nginx as a reference proxy, by the same client in a
 * process of its own ({@link LatencyClient}), requests interleaved so that every path sees the
 * same machine state.
 */
public final class WarmOverhead {
    public static final String EXPERIMENT = "warm-overhead";
    public static final String DIRECT = "direct";
    public static final String GATEWAY = "gateway";
    public static final String NGINX = "nginx";
    /** The warm-up goes on in batches of this many rounds until the compilers are quiet. */
    private static final int QUIET_BATCH = 1_000;
    /** Quiet: the compilers worked for less than this share of a batch's wall time. */
    private static final double QUIET_SHARE = 0.02;
    /** At most this many times the asked warm-up: a JIT that never settles is reported, not waited for. */
    private static final int MAX_WARMUP_FACTOR = 10;

    /**
     * Latencies of each path at one client, in nanoseconds, {@link #DIRECT} first.
     *
     * @param warmupRounds unrecorded rounds before them: the asked warm-up and what the JIT needed beyond it
     * @param jitQuiet     whether the compilers were quiet when the recorded rounds began
     */
    public record Latency(Map<String, Histogram> byPath, int warmupRounds, boolean jitQuiet) {
        public Histogram of(String path) {
            return byPath.get(path);
        }

        /** What {@code path} adds to the direct path at {@code percentile}, in microseconds. */
        public double overheadMicros(String path, double percentile) {
            return (of(path).getValueAtPercentile(percentile) - of(DIRECT).getValueAtPercentile(percentile)) / 1e3;
        }
    }

    private WarmOverhead() {
    }

    /**
     * The paths to one instance, by name: {@link #DIRECT} to {@code instance}, {@link #GATEWAY},
     * and {@link #NGINX} if a proxy runs (null: none).
     */
    public static Map<String, URI> paths(URI instance, URI gateway, NginxProxy nginx) {
        Map<String, URI> paths = new LinkedHashMap<>();
        paths.put(DIRECT, URI.create(instance + "/"));
        paths.put(GATEWAY, gateway);
        if (nginx != null) {
            paths.put(NGINX, nginx.uri("/"));
        }
        return paths;
    }

    /**
     * {@code requests} rounds of one request on each path, after at least {@code warmup}
     * unrecorded rounds and then as many more as the JIT compilers need to fall quiet (up to
     * {@link #MAX_WARMUP_FACTOR} times {@code warmup}).
     *
     * @param paths by name, {@link #DIRECT} among them
     */
    public static Latency latency(Map<String, URI> paths, int requests, int warmup) throws IOException {
        List<String> names = List.copyOf(paths.keySet());
        try (LatencyClientProcess client = LatencyClientProcess.start(List.copyOf(paths.values()))) {
            client.rounds(warmup);
            int warmed = warmup;
            boolean quiet = !JitActivity.measurable();
            while (!quiet && warmed < warmup * MAX_WARMUP_FACTOR) {
                long compiledBefore = JitActivity.compiledMillis();
                long startNanos = System.nanoTime();
                client.rounds(QUIET_BATCH);
                warmed += QUIET_BATCH;
                double elapsedMillis = (System.nanoTime() - startNanos) / 1e6;
                quiet = JitActivity.compiledMillis() - compiledBefore < QUIET_SHARE * elapsedMillis;
            }
            List<Histogram> histograms = client.measure(requests);
            Map<String, Histogram> byPath = new LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) {
                byPath.put(names.get(k), histograms.get(k));
            }
            return new Latency(byPath, warmed, quiet);
        }
    }

    /** A closed-loop load run: the in-process client or an external generator. */
    @FunctionalInterface
    public interface Load {
        LoadRun.Result run(URI target, int clients, int requests) throws IOException, InterruptedException;
    }

    /**
     * Throughput of every path at {@code clients}, the paths taking turns {@code rounds} times,
     * after a warm-up round of each.
     *
     * @return per round, each path's result
     */
    public static List<Map<String, LoadRun.Result>> throughput(Load load, Map<String, URI> paths, int clients, int requests,
                                                               int rounds) throws IOException, InterruptedException {
        for (URI target : paths.values()) {
            // Unrecorded: the gateway's JIT compiles under this load, nginx fills its upstream pool.
            load.run(target, clients, requests);
        }
        List<Map<String, LoadRun.Result>> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Map<String, LoadRun.Result> byPath = new LinkedHashMap<>();
            for (Map.Entry<String, URI> path : paths.entrySet()) {
                byPath.put(path.getKey(), load.run(path.getValue(), clients, requests));
            }
            results.add(byPath);
        }
        return results;
    }

    /** Tidy rows of a latency measurement: each path's percentiles, and what each proxy adds. */
    public static List<ResultRow> rows(String sandbox, Latency latency) {
        List<ResultRow> rows = new ArrayList<>();
        for (Map.Entry<String, Histogram> path : latency.byPath().entrySet()) {
            Histogram h = path.getValue();
            for (double p : new double[] {50, 90, 99}) {
                rows.add(new ResultRow(EXPERIMENT, sandbox, "go", "path=" + path.getKey(), 0, "latency_p" + (int) p,
                        h.getValueAtPercentile(p) / 1e3, "us"));
            }
            rows.add(new ResultRow(EXPERIMENT, sandbox, "go", "path=" + path.getKey(), 0, "latency_mean", h.getMean() / 1e3,
                    "us"));
            if (!path.getKey().equals(DIRECT)) {
                for (double p : new double[] {50, 99}) {
                    rows.add(new ResultRow(EXPERIMENT, sandbox, "go", "path=" + path.getKey(), 0, "overhead_p" + (int) p,
                            latency.overheadMicros(path.getKey(), p), "us"));
                }
            }
        }
        return rows;
    }
}
