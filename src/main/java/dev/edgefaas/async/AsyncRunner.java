package dev.edgefaas.async;

import dev.edgefaas.http.HeaderField;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Runs queued invocations as a client of the node's own gateway, as OpenFaaS's queue worker does:
 * a run then gets everything a synchronous request gets (capacity rules, the retry on a fresh
 * instance, Server-Timing, metrics) and needs no second data path. What the gateway answers
 * decides what happens next: the function's answer (it carries {@code X-Edgefaas-Instance}) is
 * the result; the gateway's own 429 or 503 mean no capacity yet, and the invocation waits its
 * {@code Retry-After} and tries again for up to {@link #GIVE_UP_AFTER}; a 502 (the instance
 * failed to start or died under the request) is tried again {@link #MAX_RUNS} times in all; a 404
 * means the function is gone.
 */
final class AsyncRunner {
    private static final Logger LOG = Logger.getLogger(AsyncRunner.class.getName());
    static final Duration GIVE_UP_AFTER = Duration.ofHours(1);
    static final int MAX_RUNS = 3;
    /** A bound against a hung function, as the gateway has one against hung instances. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration GATEWAY_UNREACHABLE_DELAY = Duration.ofSeconds(1);
    static final String INVOCATION_HEADER = "X-Edgefaas-Invocation";

    private final AsyncStore store;
    private final AsyncQueue queue;
    private final Supplier<URI> gateway;
    private final StatusWriter statuses;
    private final Consumer<AsyncQueue.Entry> whenFinished;
    private final HttpClient http = httpClient();
    private volatile boolean closing;

    /** Writes a changed status to disk and memory. */
    interface StatusWriter {
        void write(AsyncQueue.Entry entry, AsyncStatus status);
    }

    /**
     * @param gateway      the invocation listener's base URI, {@code http://127.0.0.1:PORT}
     * @param whenFinished told of each invocation once it is done or failed (its callback, its metrics)
     */
    AsyncRunner(AsyncStore store, AsyncQueue queue, Supplier<URI> gateway, StatusWriter statuses,
                Consumer<AsyncQueue.Entry> whenFinished) {
        this.store = store;
        this.queue = queue;
        this.gateway = gateway;
        this.statuses = statuses;
        this.whenFinished = whenFinished;
    }

    /**
     * The client of runs and callbacks: HTTP/1.1, as the gateway speaks it; redirects not followed,
     * since a callback redirected elsewhere would reach what {@link CallbackPolicy} did not check.
     */
    static HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** One runner's loop: takes invocations until the queue closes. */
    void loop() {
        while (true) {
            AsyncQueue.Entry entry;
            try {
                entry = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (entry == null) {
                return;
            }
            try {
                run(entry);
            } catch (RuntimeException e) {
                LOG.warning("asynchronous invocation " + entry.request.id() + " failed in the node: " + e);
                // Finished once only: what failed may have come after its end was recorded.
                if (!entry.status.state().finished()) {
                    finish(entry, entry.status.failed(Instant.now(), "the node failed to run it: " + e.getMessage()));
                }
            }
        }
    }

    /** Lets runs under way end, then stops: what the shutdown cuts off stays queued for the next start. */
    void close() {
        closing = true;
        http.shutdownNow();
    }

    private void run(AsyncQueue.Entry entry) {
        AsyncRequest request = entry.request;
        statuses.write(entry, entry.status.running(Instant.now()));
        HttpResponse<InputStream> response;
        try {
            response = http.send(httpRequest(request), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            delay(entry, closing ? "interrupted by the node's shutdown" : "the gateway could not be reached: " + e.getMessage(),
                    false, GATEWAY_UNREACHABLE_DELAY);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delay(entry, "interrupted by the node's shutdown", false, GATEWAY_UNREACHABLE_DELAY);
            return;
        }
        boolean fromFunction = response.headers().firstValue("X-Edgefaas-Instance").isPresent();
        long resultBytes;
        try (InputStream body = response.body(); OutputStream result = Files.newOutputStream(store.result(request.id()))) {
            resultBytes = keepResult(body, result);
        } catch (IOException e) {
            // The answer was cut off, or the disk refused its copy: the function ran, say what is missing.
            finish(entry, entry.status.failed(Instant.now(), "its answer could not be kept: " + e.getMessage()));
            return;
        }
        int status = response.statusCode();
        if (fromFunction) {
            finish(entry, entry.status.done(Instant.now(), status,
                    response.headers().firstValue("Content-Type").orElse(""), resultBytes));
            return;
        }
        String why = gatewayError(request);
        switch (status) {
            case 429, 503 -> {
                if (Duration.between(request.acceptedAt(), Instant.now()).compareTo(GIVE_UP_AFTER) > 0) {
                    finish(entry, entry.status.failed(Instant.now(), "no capacity within " + GIVE_UP_AFTER.toMinutes()
                            + " minutes of its acceptance; last: " + why));
                } else {
                    delay(entry, "waiting for capacity: " + why, false, retryAfter(response));
                }
            }
            case 502 -> {
                if (entry.status.runs() + 1 >= MAX_RUNS) {
                    finish(entry, entry.status.failed(Instant.now(), "failed " + MAX_RUNS + " times; last: " + why));
                } else {
                    delay(entry, "tried again after: " + why, true, Duration.ofSeconds(1L << (entry.status.runs() + 1)));
                }
            }
            default -> finish(entry, entry.status.failed(Instant.now(), why));
        }
    }

    private HttpRequest httpRequest(AsyncRequest request) throws IOException {
        HttpRequest.BodyPublisher body = request.bodyBytes() == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofFile(store.body(request.id()));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway.get() + "/function/" + request.function()
                        + request.target()))
                .timeout(RUN_TIMEOUT)
                .method(request.method(), body)
                .header(INVOCATION_HEADER, request.id());
        for (HeaderField field : request.fields()) {
            builder.header(field.name(), field.value());
        }
        return builder.build();
    }

    /** Copies up to {@link AsyncStore#MAX_RESULT_BYTES} of the answer; returns its whole size. */
    private static long keepResult(InputStream body, OutputStream result) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
            long room = AsyncStore.MAX_RESULT_BYTES - total;
            if (room > 0) {
                result.write(buffer, 0, (int) Math.min(room, n));
            }
            total += n;
        }
        return total;
    }

    /** The gateway's own error message, kept as the run's result. */
    private String gatewayError(AsyncRequest request) {
        try {
            var node = AsyncJson.MAPPER.readTree(store.result(request.id()).toFile());
            return node.path("error").asText("the gateway answered without a message");
        } catch (IOException e) {
            return "the gateway's answer could not be read: " + e.getMessage();
        }
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(response.headers().firstValue("Retry-After").orElse("1"))));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private void delay(AsyncQueue.Entry entry, String why, boolean ran, Duration delay) {
        statuses.write(entry, entry.status.delayed(why, ran));
        if (closing) {
            queue.abandoned(entry);
        } else {
            queue.requeue(entry, delay);
        }
    }

    private void finish(AsyncQueue.Entry entry, AsyncStatus status) {
        statuses.write(entry, status);
        queue.finished(entry);
        whenFinished.accept(entry);
    }
}
