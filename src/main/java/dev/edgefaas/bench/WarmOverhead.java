package dev.edgefaas.bench;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The paper's warm-request overhead: the same warm instance asked directly and through the
 * gateway by the same client, requests interleaved so that both see the same machine state.
 */
public final class WarmOverhead {
    public static final String EXPERIMENT = "warm-overhead";

    /** Latencies of both paths at one client, in nanoseconds. */
    public record Latency(Histogram direct, Histogram gateway) {
        public double overheadMicrosAtP50() {
            return (gateway.getValueAtPercentile(50) - direct.getValueAtPercentile(50)) / 1e3;
        }
    }

    private WarmOverhead() {
    }

    /** {@code requests} pairs of requests, direct then gateway, after {@code warmup} unrecorded pairs. */
    public static Latency latency(URI direct, URI gateway, int requests, int warmup) throws IOException {
        Histogram directNanos = new Histogram(60_000_000_000L, 3);
        Histogram gatewayNanos = new Histogram(60_000_000_000L, 3);
        try (KeepAliveConnection toInstance = new KeepAliveConnection(direct);
             KeepAliveConnection toGateway = new KeepAliveConnection(gateway)) {
            for (int i = 0; i < warmup + requests; i++) {
                // Alternate which goes first so neither always follows the other's cache effects.
                boolean directFirst = (i & 1) == 0;
                long a = time(directFirst ? toInstance : toGateway);
                long b = time(directFirst ? toGateway : toInstance);
                if (i >= warmup) {
                    directNanos.recordValue(directFirst ? a : b);
                    gatewayNanos.recordValue(directFirst ? b : a);
                }
            }
        }
        return new Latency(directNanos, gatewayNanos);
    }

    private static long time(KeepAliveConnection connection) throws IOException {
        long start = System.nanoTime();
        int status = connection.get();
        long nanos = System.nanoTime() - start;
        if (status != 200) {
            throw new IOException("warm request answered " + status);
        }
        return nanos;
    }

    /** A closed-loop load run: the in-process client or an external generator. */
    @FunctionalInterface
    public interface Load {
        LoadRun.Result run(URI target, int clients, int requests) throws IOException, InterruptedException;
    }

    /** Throughput at {@code clients}, alternating direct and gateway {@code rounds} times each, after a warm-up round. */
    public static List<LoadRun.Result[]> throughput(Load load, URI direct, URI gateway, int clients, int requests,
                                                    int rounds) throws IOException, InterruptedException {
        List<LoadRun.Result[]> pairs = new ArrayList<>();
        // One unrecorded round of each first: the gateway's JIT compiles under this load.
        load.run(direct, clients, requests);
        load.run(gateway, clients, requests);
        for (int round = 0; round < rounds; round++) {
            LoadRun.Result viaInstance = load.run(direct, clients, requests);
            LoadRun.Result viaGateway = load.run(gateway, clients, requests);
            pairs.add(new LoadRun.Result[] {viaInstance, viaGateway});
        }
        return pairs;
    }

    /** Tidy rows of a latency measurement. */
    public static List<ResultRow> rows(String sandbox, Latency latency) {
        List<ResultRow> rows = new ArrayList<>();
        for (String path : List.of("direct", "gateway")) {
            Histogram h = path.equals("direct") ? latency.direct() : latency.gateway();
            for (double p : new double[] {50, 90, 99}) {
                rows.add(new ResultRow(EXPERIMENT, sandbox, "go", "path=" + path, 0, "latency_p" + (int) p,
                        h.getValueAtPercentile(p) / 1e3, "us"));
            }
            rows.add(new ResultRow(EXPERIMENT, sandbox, "go", "path=" + path, 0, "latency_mean", h.getMean() / 1e3, "us"));
        }
        rows.add(new ResultRow(EXPERIMENT, sandbox, "go", "", 0, "overhead_p50", latency.overheadMicrosAtP50(), "us"));
        return rows;
    }
}
