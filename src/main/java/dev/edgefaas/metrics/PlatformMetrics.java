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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
    private final Map<InvocationKey, InvocationMeters> invocationMeters = new ConcurrentHashMap<>();
    private final RecentTraffic recentTraffic = new RecentTraffic();
    private final ColdStartHistogram coldStarts = new ColdStartHistogram();

    /** Counts one invocation and its latency as the gateway saw it; {@code start} is cold or warm. */
    public void invocation(String function, String sandbox, String start, int status, long nanos) {
        // Looked up per request: cached, since building meter ids costs more than the request's own bookkeeping.
        InvocationMeters meters = invocationMeters.computeIfAbsent(
                new InvocationKey(function, sandbox, start, status), this::invocationMeters);
        meters.count().increment();
        meters.latency().record(nanos, TimeUnit.NANOSECONDS);
        recentTraffic.answered(function, status, nanos);
    }

    /** The last minutes of each function's requests, as the dashboard shows them. */
    public RecentTraffic recentTraffic() {
        return recentTraffic;
    }

    /** The node's cold starts per sandbox since it started. */
    public ColdStartHistogram coldStarts() {
        return coldStarts;
    }

    /** Drops what is kept of a removed function's recent traffic; its Prometheus series stay, as Prometheus expects. */
    public void forgetFunction(String function) {
        recentTraffic.forget(function);
    }

    private record InvocationKey(String function, String sandbox, String start, int status) {
    }

    private record InvocationMeters(Counter count, Timer latency) {
    }

    private InvocationMeters invocationMeters(InvocationKey key) {
        Tags tags = Tags.of("function", key.function(), "sandbox", key.sandbox());
        Counter count = Counter.builder("edgefaas_invocations")
                .description("Requests forwarded to function instances")
                .tags(tags.and("start", key.start(), "status", Integer.toString(key.status())))
                .register(registry);
        Timer latency = timer("edgefaas_request_seconds", "Latency of invocations through the gateway",
                tags.and("start", key.start()));
        return new InvocationMeters(count, latency);
    }

    /** Counts one client request refused for its syntax or framing (RFC 9112), by the status it was answered. */
    public void rejectedRequest(int status) {
        Counter.builder("edgefaas_rejected_requests")
                .description("Client requests refused for their syntax or framing; their connection was closed")
                .tags("status", Integer.toString(status))
                .register(registry).increment();
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
            coldStarts.add(sandbox, nanos);
        }
    }

    /**
     * Reports a function's live instances and its requests waiting at max-instances; returns
     * what {@link #remove} takes to drop the gauges when the function goes.
     */
    public List<Meter> poolGauges(String function, String sandbox, Supplier<Number> liveInstances,
                                  Supplier<Number> waitingRequests) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("edgefaas_live_instances", liveInstances)
                .description("Instances booting or serving")
                .tags("function", function, "sandbox", sandbox)
                .register(registry));
        meters.add(Gauge.builder("edgefaas_function_waiting_requests", waitingRequests)
                .description("Requests waiting for an instance of the function at its max-instances (bounded by max-queue)")
                .tags("function", function, "sandbox", sandbox)
                .register(registry));
        return meters;
    }

    /** Reports the node's waiting room: requests waiting for an instance, and the bytes they hold. */
    public void waitingRoom(Supplier<Number> requests, Supplier<Number> bytes) {
        Gauge.builder("edgefaas_waiting_requests", requests)
                .description("Requests waiting for an instance, all functions").register(registry);
        Gauge.builder("edgefaas_waiting_bytes", bytes)
                .description("Bytes the waiting requests hold in memory (their heads)").register(registry);
    }

    /**
     * Counts one request refused without an instance: 429 for the function's own limits
     * (max-queue, max-instances for the queue timeout), 503 for the node's (waiting room,
     * draining), 404 for an unknown function, 502 for a failed start.
     */
    public void refusedInvocation(String function, String reason, int status) {
        Counter.builder("edgefaas_refused_invocations")
                .description("Invocations answered without reaching an instance, by reason and status")
                .tags("function", function, "reason", reason, "status", Integer.toString(status))
                .register(registry).increment();
        recentTraffic.refused(function, status);
    }

    public void remove(List<Meter> meters) {
        meters.forEach(registry::remove);
    }

    /** Reports the asynchronous invocations not yet finished, and the bytes of their bodies on disk. */
    public void asyncQueue(Supplier<Number> invocations, Supplier<Number> bytes) {
        Gauge.builder("edgefaas_async_queued", invocations)
                .description("Accepted asynchronous invocations not yet finished").register(registry);
        Gauge.builder("edgefaas_async_queued_bytes", bytes)
                .description("Bytes of their bodies, kept on disk").register(registry);
    }

    /** Counts an asynchronous invocation's step: {@code accepted}, {@code refused}, {@code done} or {@code failed}. */
    public void asyncInvocation(String function, String outcome) {
        Counter.builder("edgefaas_async_invocations")
                .description("Asynchronous invocations accepted, refused, done and failed")
                .tags("function", function, "outcome", outcome)
                .register(registry).increment();
    }

    /** Counts the end of one callback attempt: {@code delivered}, {@code retried} or {@code failed} (given up). */
    public void asyncCallback(String outcome) {
        Counter.builder("edgefaas_async_callbacks")
                .description("Attempts to deliver asynchronous results to their callback URLs, by outcome")
                .tags("outcome", outcome)
                .register(registry).increment();
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
