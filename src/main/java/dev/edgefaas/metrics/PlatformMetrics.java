package dev.edgefaas.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The platform's Prometheus metrics, labelled by function and sandbox: invocations, cold starts,
 * cold-start and request latency histograms, live instances.
 */
public final class PlatformMetrics {
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(25)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Counts one invocation and its latency as the gateway saw it; {@code start} is cold or warm. */
    public void invocation(String function, String sandbox, String start, int status, long nanos) {
        Tags tags = Tags.of("function", function, "sandbox", sandbox);
        Counter.builder("edgefaas_invocations")
                .description("Requests forwarded to function instances")
                .tags(tags.and("start", start, "status", Integer.toString(status)))
                .register(registry).increment();
        timer("edgefaas_request_seconds", "Latency of invocations through the gateway", tags.and("start", start))
                .record(Duration.ofNanos(nanos));
    }

    /** Counts one cold start that ended in a ready instance ({@code ok}) or a failure. */
    public void coldStart(String function, String sandbox, boolean ok, long nanos) {
        Tags tags = Tags.of("function", function, "sandbox", sandbox);
        Counter.builder("edgefaas_cold_starts")
                .description("Instances started, by outcome")
                .tags(tags.and("outcome", ok ? "ready" : "failed"))
                .register(registry).increment();
        if (ok) {
            timer("edgefaas_cold_start_seconds", "Time from start to the instance's ready callback", tags)
                    .record(Duration.ofNanos(nanos));
        }
    }

    /**
     * Reports the live instances of a function through {@code count}; returns what
     * {@link #remove} takes to drop the gauge when the function goes.
     */
    public List<Meter> liveInstances(String function, String sandbox, Supplier<Number> count) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("edgefaas_live_instances", count)
                .description("Instances booting or serving")
                .tags("function", function, "sandbox", sandbox)
                .register(registry));
        return meters;
    }

    public void remove(List<Meter> meters) {
        meters.forEach(registry::remove);
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }
}
