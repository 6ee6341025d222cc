package dev.edgefaas.bench;

import dev.edgefaas.function.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * What a soak saw, as report lines and tidy rows.
 *
 * @param attemptsByOutcome every attempt, retries included, by how it ended
 * @param retried           requests that needed more than one attempt
 * @param lost              requests whose last attempt failed too
 * @param latencyNanos      each request from its first attempt to its last answer
 * @param instancesStarted  instances of the function seen, the first ones included: cold starts
 * @param maxFootprint      the largest of each quantity over every sample, both measurements included
 * @param firstFailures     the message of the first failure of each kind that had one (connection errors)
 */
public record SoakResult(Soak.Settings settings, long loadedNanos, long requests, SortedMap<String, Long> attemptsByOutcome,
                         long retried, long lost, Histogram latencyNanos, int kills, int instancesStarted,
                         GatewayFootprint warm, GatewayFootprint end, GatewayFootprint maxFootprint,
                         SortedMap<String, String> firstFailures, SoakVerdict verdict) {

    public double requestsPerSecond() {
        return requests / (loadedNanos / 1e9);
    }

    /** The report, the verdict last. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "soak: %s, %d clients, hello-go with max-instances %d and concurrency %d,"
                        + " an instance killed every %s on average", settings.sandbox(), settings.clients(),
                settings.maxInstances(), settings.concurrency(), Durations.format(settings.killEvery())));
        lines.add(String.format(Locale.ROOT, "duration     %.1f s of load (warm-up %s)", loadedNanos / 1e9,
                Durations.format(settings.warmup())));
        lines.add(String.format(Locale.ROOT, "requests     %d, %.0f req/s", requests, requestsPerSecond()));
        lines.add("attempts     " + attemptsByOutcome.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ")) + " (retries included)");
        firstFailures.forEach((outcome, message) -> lines.add("             first " + outcome + ": " + message));
        lines.add(String.format(Locale.ROOT, "retried      %d requests (up to %d times each); lost %d", retried,
                SoakClient.MAX_RETRIES, lost));
        lines.add(String.format(Locale.ROOT, "latency      p50 %.2f ms, p99 %.2f ms, max %.1f ms (first attempt to last answer)",
                latencyNanos.getValueAtPercentile(50) / 1e6, latencyNanos.getValueAtPercentile(99) / 1e6,
                latencyNanos.getMaxValue() / 1e6));
        lines.add(String.format(Locale.ROOT, "kills        %d (SIGKILL to an instance's process tree); cold starts %d",
                kills, instancesStarted));
        lines.add(String.format(Locale.ROOT, "heap         %.1f -> %.1f MiB after full GC (max %.1f)", warm.heapMib(),
                end.heapMib(), maxFootprint.heapMib()));
        lines.add(String.format(Locale.ROOT, "fds          %d -> %d (max %d)", warm.openFds(), end.openFds(),
                maxFootprint.openFds()));
        lines.add(String.format(Locale.ROOT, "threads      %d -> %d platform threads (max %d)", warm.threads(), end.threads(),
                maxFootprint.threads()));
        lines.add(String.format(Locale.ROOT, "instances    %d -> %d ready at the measurements", warm.instances(),
                end.instances()));
        lines.add(verdict.line());
        return lines;
    }

    /** Tidy rows: one per quantity, the experiment's settings as the parameter. */
    public List<ResultRow> rows() {
        String parameter = "clients=" + settings.clients() + ";kill-every=" + Durations.format(settings.killEvery())
                + ";duration=" + Durations.format(settings.duration());
        List<ResultRow> rows = new ArrayList<>();
        RowAdder add = (metric, value, unit) ->
                rows.add(new ResultRow(Soak.EXPERIMENT, settings.sandbox(), "go", parameter, 0, metric, value, unit));
        add.row("requests", requests, "requests");
        add.row("throughput", requestsPerSecond(), "req/s");
        attemptsByOutcome.forEach((outcome, count) -> add.row("attempts_" + metricName(outcome), count, "attempts"));
        add.row("retried", retried, "requests");
        add.row("lost", lost, "requests");
        add.row("latency_p50", latencyNanos.getValueAtPercentile(50) / 1e6, "ms");
        add.row("latency_p99", latencyNanos.getValueAtPercentile(99) / 1e6, "ms");
        add.row("latency_max", latencyNanos.getMaxValue() / 1e6, "ms");
        add.row("kills", kills, "kills");
        add.row("cold_starts", instancesStarted, "instances");
        add.row("heap_warm", warm.heapMib(), "MiB");
        add.row("heap_end", end.heapMib(), "MiB");
        add.row("heap_max", maxFootprint.heapMib(), "MiB");
        add.row("fds_warm", warm.openFds(), "fds");
        add.row("fds_end", end.openFds(), "fds");
        add.row("fds_max", maxFootprint.openFds(), "fds");
        add.row("threads_warm", warm.threads(), "threads");
        add.row("threads_end", end.threads(), "threads");
        add.row("passed", verdict.passed() ? 1 : 0, "bool");
        return rows;
    }

    /** {@code 502 (not the gateway's)} as {@code 502_not_the_gateway_s}: metric names are words and underscores. */
    private static String metricName(String outcome) {
        return outcome.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    @FunctionalInterface
    private interface RowAdder {
        void row(String metric, double value, String unit);
    }
}
