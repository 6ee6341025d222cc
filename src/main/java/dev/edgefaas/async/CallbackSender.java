package dev.edgefaas.async;

import dev.edgefaas.host.ThreadFactories;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Delivers a finished invocation's result to its callback URL: a POST of the function's answer
 * body, with {@code X-Edgefaas-Invocation}, {@code X-Edgefaas-State}, {@code X-Function-Status}
 * (as OpenFaaS names it) and the answer's {@code Content-Type}; for a failed invocation a JSON
 * body with its error. Any 2xx delivers it; anything else is tried again with exponential
 * backoff (1 s, 2 s, ... at most a minute apart), {@link #MAX_ATTEMPTS} times in all, each
 * attempt recorded in the invocation's status, so a restart resumes where it was.
 */
final class CallbackSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CallbackSender.class.getName());
    static final int MAX_ATTEMPTS = 8;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final AsyncStore store;
    private final CallbackPolicy policy;
    private final AsyncRunner.StatusWriter statuses;
    private final Consumer<String> outcomes;
    private final ScheduledExecutorService timer = ThreadFactories.housekeeping("edgefaas-async-callbacks");
    private final HttpClient http = AsyncRunner.httpClient();

    /** @param outcomes told {@code delivered}, {@code retried} or {@code failed} for each attempt's end */
    CallbackSender(AsyncStore store, CallbackPolicy policy, AsyncRunner.StatusWriter statuses, Consumer<String> outcomes) {
        this.store = store;
        this.policy = policy;
        this.statuses = statuses;
        this.outcomes = outcomes;
    }

    /** Sends {@code entry}'s callback after {@code delay}, off the timer's thread. */
    void schedule(AsyncQueue.Entry entry, Duration delay) {
        try {
            timer.schedule(() -> ThreadFactories.startVirtual("callback-" + entry.request.id(), () -> attempt(entry)),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: the status still says pending, and the next start sends it.
        }
    }

    private void attempt(AsyncQueue.Entry entry) {
        AsyncStatus status = entry.status;
        String failure;
        try {
            policy.check(entry.request.callback().orElseThrow());
            int answer = http.send(callbackRequest(entry.request, status), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (answer / 100 == 2) {
                statuses.write(entry, status.callback(AsyncStatus.Delivery.DELIVERED, ""));
                outcomes.accept("delivered");
                return;
            }
            failure = "the callback URL answered " + answer;
        } catch (IllegalArgumentException e) {
            failure = e.getMessage();
        } catch (IOException e) {
            failure = "the callback URL could not be reached: " + e;
        } catch (InterruptedException e) {
            return;
        }
        int attempts = status.callbackAttempts() + 1;
        if (attempts >= MAX_ATTEMPTS) {
            LOG.info(() -> "callback of asynchronous invocation " + entry.request.id() + " given up after " + MAX_ATTEMPTS
                    + " attempts");
            statuses.write(entry, status.callback(AsyncStatus.Delivery.FAILED, failure));
            outcomes.accept("failed");
            return;
        }
        statuses.write(entry, status.callback(AsyncStatus.Delivery.PENDING, failure));
        outcomes.accept("retried");
        Duration backoff = Duration.ofSeconds(1L << Math.min(attempts - 1, 6));
        schedule(entry, backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
    }

    private HttpRequest callbackRequest(AsyncRequest request, AsyncStatus status) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.callback().orElseThrow())
                .timeout(TIMEOUT)
                .header(AsyncRunner.INVOCATION_HEADER, request.id())
                .header("X-Edgefaas-Function", request.function())
                .header("X-Edgefaas-State", status.state().key());
        if (status.state() == AsyncStatus.State.DONE) {
            builder.header("X-Function-Status", Integer.toString(status.status()));
            if (!status.contentType().isEmpty()) {
                builder.header("Content-Type", status.contentType());
            }
            return builder.POST(HttpRequest.BodyPublishers.ofFile(store.result(request.id()))).build();
        }
        String body = AsyncJson.MAPPER.createObjectNode().put("id", request.id()).put("state", status.state().key())
                .put("error", status.error()).toString();
        return builder.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        http.shutdownNow();
    }
}
