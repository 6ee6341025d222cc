package dev.edgefaas.async;

import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.http.HeaderField;
import dev.edgefaas.metrics.PlatformMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Asynchronous invocations: accepted at once (202) into a bounded queue kept on disk, run when
 * capacity allows, their results kept for {@link #FINISHED_KEPT} (the newest as many as the
 * queue holds) and sent to a callback URL if the client gave one. An accepted invocation is on disk before the client hears so; after a
 * crash or restart it runs (again, if the crash cut its run off: at least once, never lost).
 */
public final class AsyncInvocations implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AsyncInvocations.class.getName());
    /** Runs at once, all functions; at most half of them for one function. */
    static final int RUNNERS = 16;
    /** How long a finished invocation's status and result stay for the status API. */
    public static final Duration FINISHED_KEPT = Duration.ofHours(1);
    /** The largest body one invocation may have (less if the queue's byte bound is lower). */
    public static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    private static final Duration QUEUE_FULL_RETRY = Duration.ofSeconds(5);
    private static final SecureRandom IDS = new SecureRandom();

    private final AsyncStore store;
    private final AsyncQueue queue;
    private final Predicate<String> deployed;
    private final CallbackPolicy policy;
    private final PlatformMetrics metrics;
    private final CallbackSender callbacks;
    private final ScheduledExecutorService housekeeping = ThreadFactories.housekeeping("edgefaas-async-housekeeping");
    private final List<Thread> runnerThreads = new ArrayList<>();
    private final AtomicBoolean diskWarned = new AtomicBoolean();
    private AsyncRunner runner;
    private volatile boolean closed;

    /**
     * Opens the queue kept in {@code directory}, with what an earlier run of the node accepted;
     * nothing runs before {@link #start}.
     *
     * @param deployed whether a function of a name is deployed, to refuse the others at once (404)
     */
    public AsyncInvocations(Path directory, int maxInvocations, long maxBytes, Predicate<String> deployed,
                            CallbackPolicy policy, PlatformMetrics metrics) {
        this.store = new AsyncStore(directory);
        this.queue = new AsyncQueue(maxInvocations, maxBytes, Math.max(1, RUNNERS / 2));
        this.deployed = deployed;
        this.policy = policy;
        this.metrics = metrics;
        this.callbacks = new CallbackSender(store, policy, this::writeStatus, metrics::asyncCallback);
        int interrupted = 0;
        List<AsyncStore.Kept> kept = new ArrayList<>(store.load());
        // Finished ones in the order they finished, so the oldest are forgotten first.
        kept.sort(Comparator.comparing(k -> k.status().finishedAt().orElse(Instant.MAX)));
        for (AsyncStore.Kept invocation : kept) {
            AsyncStatus status = invocation.status();
            if (status.state() == AsyncStatus.State.RUNNING) {
                status = status.delayed("its run was cut off by a restart of the node; run again", false);
                interrupted++;
            }
            queue.add(invocation.request(), status);
        }
        if (interrupted > 0) {
            LOG.info(interrupted + " asynchronous invocations were running when the node stopped; they run again");
        }
        metrics.asyncQueue(queue::unfinished, queue::unfinishedBytes);
    }

    /** Starts the runners, calling the gateway at {@code gateway}, and resumes callbacks not yet delivered. */
    public void start(Supplier<URI> gateway) {
        runner = new AsyncRunner(store, queue, gateway, this::writeStatus, this::finished);
        for (int i = 0; i < RUNNERS; i++) {
            runnerThreads.add(ThreadFactories.startVirtual("edgefaas-async-runner-" + i, runner::loop));
        }
        for (AsyncQueue.Entry entry : queue.all()) {
            if (entry.status.callbackDue()) {
                callbacks.schedule(entry, Duration.ZERO);
            }
        }
        housekeeping.scheduleWithFixedDelay(this::forgetOldResults, 1, 1, TimeUnit.MINUTES);
    }

    /**
     * Accepts an invocation of {@code function}: its body is read, kept with the rest on disk,
     * and queued; the returned request's id is the client's to ask about it.
     *
     * @param target         the raw path and query below {@code /function/NAME}
     * @param fields         the end-to-end header fields to send the function
     * @param declaredLength the body's Content-Length, or -1 if chunked
     * @throws AsyncRefusal  if it is not accepted; nothing of it is kept then
     * @throws IOException   if reading the client's body failed (the client's fault)
     */
    public AsyncRequest accept(String function, String method, String target, List<HeaderField> fields,
                               Optional<String> callbackUrl, long declaredLength, InputStream body)
            throws AsyncRefusal, IOException {
        try {
            AsyncRequest accepted = acceptOrRefuse(function, method, target, fields, callbackUrl, declaredLength, body);
            metrics.asyncInvocation(function, "accepted");
            return accepted;
        } catch (AsyncRefusal e) {
            metrics.asyncInvocation(e.status() == 404 ? "" : function, "refused");
            throw e;
        }
    }

    private AsyncRequest acceptOrRefuse(String function, String method, String target, List<HeaderField> fields,
                                        Optional<String> callbackUrl, long declaredLength, InputStream body)
            throws AsyncRefusal, IOException {
        if (closed) {
            throw new AsyncRefusal(503, "the node is shutting down; send it to the node again once it is back",
                    QUEUE_FULL_RETRY);
        }
        if (!deployed.test(function)) {
            throw new AsyncRefusal(404, "no function named '" + function + "' is deployed; GET /api/functions lists"
                    + " those that are");
        }
        Optional<URI> callback = Optional.empty();
        if (callbackUrl.isPresent()) {
            try {
                URI url = CallbackPolicy.parse(callbackUrl.get());
                policy.check(url);
                callback = Optional.of(url);
            } catch (IllegalArgumentException e) {
                throw new AsyncRefusal(400, e.getMessage());
            }
        }
        try {
            URI.create("http://localhost/function/" + function + target);
        } catch (IllegalArgumentException e) {
            throw new AsyncRefusal(400, "the request target has characters an asynchronous invocation cannot carry"
                    + " (" + e.getMessage() + "); percent-encode them");
        }
        long maxBody = Math.min(MAX_BODY_BYTES, queue.maxBytes());
        if (declaredLength > maxBody) {
            throw new AsyncRefusal(413, "an asynchronous invocation's body may have at most " + maxBody + " bytes, this"
                    + " one has " + declaredLength);
        }
        String full = queue.noRoomFor(Math.max(0, declaredLength));
        if (full != null) {
            throw new AsyncRefusal(429, full + "; try again later", QUEUE_FULL_RETRY);
        }
        String id = HexFormat.of().formatHex(randomId());
        long bodyBytes = stageBody(id, body, maxBody);
        AsyncRequest request = new AsyncRequest(id, function, method, target, fields, callback, Instant.now(), bodyBytes);
        AsyncStatus status = AsyncStatus.queued(callback.isPresent());
        synchronized (this) {
            // Checked again with the body's real size, and kept under the same lock, so the bound holds.
            full = queue.noRoomFor(bodyBytes);
            if (full != null) {
                store.discardStaged(id);
                throw new AsyncRefusal(429, full + "; try again later", QUEUE_FULL_RETRY);
            }
            try {
                store.commit(request, status);
            } catch (IOException e) {
                store.discardStaged(id);
                throw cannotKeep(e);
            }
            queue.add(request, status);
        }
        return request;
    }

    private static byte[] randomId() {
        byte[] id = new byte[16];
        IDS.nextBytes(id);
        return id;
    }

    /** Reads the client's body into the staging directory; read failures are the client's, write failures the node's. */
    private long stageBody(String id, InputStream body, long maxBody) throws AsyncRefusal, IOException {
        OutputStream staged;
        try {
            staged = store.stage(id);
        } catch (IOException e) {
            store.discardStaged(id);
            throw cannotKeep(e);
        }
        long total = 0;
        boolean kept = false;
        try (staged) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                total += n;
                if (total > maxBody) {
                    throw new AsyncRefusal(413, "an asynchronous invocation's body may have at most " + maxBody + " bytes");
                }
                try {
                    staged.write(buffer, 0, n);
                } catch (IOException e) {
                    throw cannotKeep(e);
                }
            }
            kept = true;
        } finally {
            if (!kept) {
                store.discardStaged(id);
            }
        }
        return total;
    }

    /** 503: the disk refused what accepting needs to write (full, say); nothing of it was kept. */
    private AsyncRefusal cannotKeep(IOException e) {
        return new AsyncRefusal(503, "the node cannot keep the invocation (" + e.getMessage() + " in " + store.root()
                + "); nothing was accepted, try again later", QUEUE_FULL_RETRY);
    }

    /** An invocation as the status API shows it. */
    public record View(AsyncRequest request, AsyncStatus status) {
    }

    public Optional<View> view(String id) {
        return queue.get(id).map(entry -> new View(entry.request, entry.status));
    }

    /** The kept body of a done invocation's answer (its first {@link AsyncStore#MAX_RESULT_BYTES}). */
    public Optional<Path> result(String id) {
        return queue.get(id).filter(entry -> entry.status.state() == AsyncStatus.State.DONE)
                .map(entry -> store.result(id)).filter(Files::isRegularFile);
    }

    private void writeStatus(AsyncQueue.Entry entry, AsyncStatus status) {
        entry.status = status;
        try {
            store.writeStatus(entry.request.id(), status);
            diskWarned.set(false);
        } catch (IOException e) {
            // It goes on in memory; a restart before the disk recovers finds the previous status, and runs it again.
            if (diskWarned.compareAndSet(false, true)) {
                LOG.warning("cannot record the status of asynchronous invocations in " + store.root() + ": " + e);
            }
        }
    }

    private void finished(AsyncQueue.Entry entry) {
        metrics.asyncInvocation(entry.request.function(), entry.status.state().key());
        if (entry.status.callbackDue()) {
            callbacks.schedule(entry, Duration.ZERO);
        }
        forgetOldResults();
    }

    private void forgetOldResults() {
        for (AsyncQueue.Entry entry : queue.forgetFinished(Instant.now().minus(FINISHED_KEPT))) {
            store.delete(entry.request.id());
        }
    }

    /**
     * Stops taking invocations and waits up to {@code grace} for runs under way (the gateway is
     * still up); what is cut off stays queued on disk for the next start.
     */
    public void close(Duration grace) {
        closed = true;
        queue.close();
        housekeeping.shutdownNow();
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : runnerThreads) {
            try {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (runner != null) {
            runner.close();
        }
        callbacks.close();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
