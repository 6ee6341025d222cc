package dev.edgefaas.dispatcher;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.logs.FunctionLog;
import dev.edgefaas.sandbox.Diagnosis;
import dev.edgefaas.sandbox.InstanceRequest;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.Readiness;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.sandbox.SandboxInstance;
import io.micrometer.core.instrument.Meter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The instances of one function version and the rules that hand them to requests: warm reuse,
 * per-instance concurrency, single use, max-instances with a bounded wait, waiting for a booting
 * instance rather than starting another, keepalive reaping and min-instances.
 *
 * <p>All state is guarded by one lock; sandbox starts and stops run outside it on virtual threads.
 */
final class FunctionPool {
    private static final Logger LOG = Logger.getLogger(FunctionPool.class.getName());
    /**
     * How long a failed request waits for its instance's exit notice. A fresh connection that
     * failed means the instance is going; a runsc sandbox takes a while to report its death.
     */
    private static final Duration EXIT_NOTICE_WAIT = Duration.ofSeconds(1);
    /** How long a drain waits for instances retired before it to finish stopping. */
    private static final Duration RETIRED_STOP_PATIENCE = Duration.ofSeconds(60);
    /** How often an event loop tries the pool's lock before it lets a waiting thread take the request. */
    private static final int MAX_LOCK_SPINS = 200;

    private final FunctionManifest manifest;
    private final PreparedFunction prepared;
    private final PoolContext context;
    private final List<Meter> meters;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a slot frees, an instance becomes ready or goes, or the pool closes. */
    private final Condition changed = lock.newCondition();
    private final List<LiveInstance> instances = new ArrayList<>();
    /** Stops of retired instances still under way, which leave {@link #instances} at once. */
    private final Set<CompletableFuture<Void>> stopping = ConcurrentHashMap.newKeySet();
    private boolean draining;
    /** Requests waiting in {@link #acquire} at max-instances; at most the manifest's max-queue. */
    private int waiters;

    FunctionPool(FunctionManifest manifest, PreparedFunction prepared, PoolContext context) {
        this.manifest = manifest;
        this.prepared = prepared;
        this.context = context;
        this.meters = context.metrics().poolGauges(name(), sandboxName(), this::size, this::waiting);
    }

    String name() {
        return manifest.name().value();
    }

    String sandboxName() {
        return manifest.sandbox();
    }

    FunctionManifest manifest() {
        return manifest;
    }

    int size() {
        lock.lock();
        try {
            return instances.size();
        } finally {
            lock.unlock();
        }
    }

    List<InstanceView> views() {
        lock.lock();
        try {
            return instances.stream().map(i -> i.view(name(), sandboxName())).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives the request a slot: on a ready instance with room, else on a booting one with room,
     * else on a new instance while below max-instances, else waits up to the queue timeout, one
     * of at most max-queue waiting requests of this function and within the node's waiting room.
     *
     * @param heldBytes what the request holds in memory while it waits (its head), asked only if it waits
     * @throws DispatchException if the function is draining, stays saturated, has too many
     *                           waiting, the node has, or its instance fails to start
     */
    Lease acquire(LongSupplier heldBytes) {
        long waitStart = System.nanoTime();
        long remaining = manifest.queueTimeout().toNanos();
        boolean waiting = false;
        long held = 0;
        LiveInstance chosen;
        lock.lock();
        try {
            while (true) {
                if (draining) {
                    throw new DispatchException(DispatchException.Reason.DRAINING,
                            "function '" + name() + "' is being removed", Duration.ZERO, null);
                }
                LiveInstance warm = mostRecentlyUsedReady();
                if (warm != null) {
                    warm.inFlight++;
                    return new Lease(this, warm, StartKind.WARM, "");
                }
                chosen = bootingWithFreeSlot();
                if (chosen == null && instances.size() < manifest.maxInstances()) {
                    chosen = startInstanceOrExplain();
                }
                if (chosen != null) {
                    chosen.inFlight++;
                    break;
                }
                if (remaining <= 0) {
                    throw new DispatchException(DispatchException.Reason.SATURATED,
                            "function '" + name() + "' has all " + manifest.maxInstances() + " instances busy"
                                    + " and none freed within " + manifest.queueTimeout().toMillis() + " ms",
                            DispatchException.RETRY_SOON, null);
                }
                if (!waiting) {
                    if (waiters >= manifest.maxQueue()) {
                        throw new DispatchException(DispatchException.Reason.FUNCTION_QUEUE_FULL,
                                "function '" + name() + "' has all " + manifest.maxInstances() + " instances busy and "
                                        + waiters + " requests waiting, its max-queue", DispatchException.RETRY_SOON, null);
                    }
                    held = heldBytes.getAsLong();
                    context.waitingRoom().enter(name(), held);
                    waiting = true;
                    waiters++;
                }
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DispatchException(DispatchException.Reason.DRAINING, "interrupted while waiting for an instance",
                    Duration.ZERO, e);
        } finally {
            if (waiting) {
                waiters--;
                context.waitingRoom().leave(held);
            }
            lock.unlock();
        }
        return awaitBooted(chosen, waitStart);
    }

    /**
     * A slot on the most recently used ready instance, or null if there is none or the lock stays
     * busy. Another event loop holds it for a few hundred nanoseconds: spin that out rather than
     * hand the request to a waiting thread; a cold start's bookkeeping holds it longer: give up.
     */
    Lease tryAcquireWarm() {
        int spins = 0;
        while (!lock.tryLock()) {
            if (++spins == MAX_LOCK_SPINS) {
                return null;
            }
            Thread.onSpinWait();
        }
        try {
            LiveInstance warm = draining ? null : mostRecentlyUsedReady();
            if (warm == null) {
                return null;
            }
            warm.inFlight++;
            return new Lease(this, warm, StartKind.WARM, "");
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for a slot at max-instances now. */
    int waiting() {
        lock.lock();
        try {
            return waiters;
        } finally {
            lock.unlock();
        }
    }

    private Lease awaitBooted(LiveInstance instance, long waitStart) {
        try {
            instance.booted.get();
        } catch (ExecutionException e) {
            throw new DispatchException(DispatchException.Reason.START_FAILED, e.getCause().getMessage(),
                    Duration.ZERO, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(instance, Outcome.ANSWERED);
            throw new DispatchException(DispatchException.Reason.DRAINING, "interrupted while an instance booted",
                    Duration.ZERO, e);
        }
        long waitedNanos = System.nanoTime() - waitStart;
        String timing = instance.phases.serverTiming() + ", wait;desc=\"this request waited\";dur="
                + String.format(Locale.ROOT, "%.3f", waitedNanos / 1e6);
        return new Lease(this, instance, StartKind.COLD, timing);
    }

    private LiveInstance mostRecentlyUsedReady() {
        LiveInstance best = null;
        for (LiveInstance instance : instances) {
            boolean usable = instance.state == LiveInstance.State.READY
                    && instance.hasFreeSlot(manifest.concurrency())
                    && !(manifest.singleUse() && instance.served > 0);
            if (usable && (best == null || instance.lastReleasedNanos > best.lastReleasedNanos)) {
                best = instance;
            }
        }
        return best;
    }

    private LiveInstance bootingWithFreeSlot() {
        for (LiveInstance instance : instances) {
            if (instance.state == LiveInstance.State.BOOTING && instance.hasFreeSlot(manifest.concurrency())) {
                return instance;
            }
        }
        return null;
    }

    /** {@link #startInstance}, its host-side failures (a full disk, say) turned into an answer for the client. */
    private LiveInstance startInstanceOrExplain() {
        try {
            return startInstance();
        } catch (RuntimeException e) {
            throw new DispatchException(DispatchException.Reason.NODE_FAILED, "this node cannot start an instance of '"
                    + name() + "': " + e.getMessage(), Duration.ZERO, e);
        }
    }

    /** Adds a booting instance and starts it in the background. Caller holds the lock. */
    private LiveInstance startInstance() {
        String id = name() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        StateDirectory state = context.state();
        InstanceRecord record = state.newRecord(id, sandboxName());
        LiveInstance instance = new LiveInstance(id, record, state.instanceDirectory(id));
        instances.add(instance);
        ThreadFactories.startVirtual("boot-" + id, () -> boot(instance));
        return instance;
    }

    private void boot(LiveInstance instance) {
        Readiness readiness = context.callbacks().register(instance.id);
        FunctionLog log = context.logs().of(name());
        InstanceRequest request = new InstanceRequest(instance.id, context.callbackPort().getAsInt(), readiness,
                instance.phases, instance.record, instance.scratch, log);
        SandboxInstance sandbox;
        try {
            sandbox = prepared.start(request);
        } catch (RuntimeException e) {
            context.metrics().coldStart(name(), sandboxName(), false, 0);
            // The diagnosis has the last lines; the log has all of them, after the scratch directory is gone.
            SandboxException failed = new SandboxException(e.getMessage() + "; its whole output: edgefaas logs " + name()
                    + " --instance " + instance.id + " (" + log.currentFile() + ")", e);
            LOG.warning(() -> "cold start failed: " + failed.getMessage());
            remove(instance);
            cleanUp(instance);
            instance.booted.completeExceptionally(failed);
            return;
        } finally {
            context.callbacks().unregister(instance.id);
        }
        context.metrics().coldStart(name(), sandboxName(), true, instance.phases.totalNanos());
        lock.lock();
        try {
            instance.sandbox = sandbox;
            instance.coldStart = Duration.ofNanos(instance.phases.totalNanos());
            // A drain that began meanwhile has already taken the instance; it stops it after this.
            if (instance.state == LiveInstance.State.BOOTING) {
                instance.state = LiveInstance.State.READY;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        instance.booted.complete(sandbox);
        sandbox.onExit(() -> instanceExited(instance));
    }

    private void instanceExited(LiveInstance instance) {
        context.instanceStopped(instance.sandbox.endpoint());
        boolean unexpected;
        lock.lock();
        try {
            unexpected = instance.state == LiveInstance.State.READY;
        } finally {
            lock.unlock();
        }
        if (unexpected) {
            Diagnosis diagnosis = instance.sandbox.diagnose();
            instance.exitDiagnosis = diagnosis;
            LOG.warning(() -> "instance " + instance.id + " of " + name() + " stopped unexpectedly: " + diagnosis.describe());
            retire(instance);
        }
        instance.exitHandled.countDown();
    }

    /** How a request left its instance. */
    enum Outcome {
        /** It was answered. */
        ANSWERED,
        /** The instance failed to answer: it is retired if it is dead. */
        FAILED,
        /** Nothing could connect to it: it is retired, dead or not, so that no request tries it again. */
        UNREACHABLE
    }

    void release(LiveInstance instance, Outcome outcome) {
        if (outcome != Outcome.ANSWERED) {
            awaitExitNotice(instance);
        }
        boolean retireNow;
        boolean unreachable;
        lock.lock();
        try {
            instance.inFlight--;
            instance.served++;
            instance.lastReleasedNanos = System.nanoTime();
            boolean dead = outcome != Outcome.ANSWERED && instance.sandbox != null && !instance.sandbox.isAlive();
            unreachable = instance.state == LiveInstance.State.READY && outcome == Outcome.UNREACHABLE && !dead;
            retireNow = instance.state == LiveInstance.State.READY && (manifest.singleUse() || dead || unreachable);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (unreachable) {
            LOG.warning(() -> "instance " + instance.id + " of " + name() + " runs but accepts no connection: stopped");
        }
        if (retireNow) {
            retire(instance);
        }
    }

    /**
     * An instance that just failed a request may be dying: give the exit notice a moment to
     * arrive, so that a retry does not pick the same corpse and the answer can say why it died.
     * A live instance costs the retry this wait and is kept.
     */
    private static void awaitExitNotice(LiveInstance instance) {
        try {
            instance.exitHandled.await(EXIT_NOTICE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes {@code instance} out of service and stops it in the background. Idempotent. */
    private void retire(LiveInstance instance) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        lock.lock();
        try {
            if (!instances.contains(instance)) {
                return;
            }
            instance.state = LiveInstance.State.STOPPING;
            instances.remove(instance);
            // Tracked before the lock is let go, so that a drain (a platform closing, a JVM about
            // to exit) that no longer sees the instance among the live ones waits for its stop.
            stopping.add(stopped);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        ThreadFactories.startVirtual("stop-" + instance.id, () -> {
            try {
                stop(instance);
            } finally {
                stopped.complete(null);
                stopping.remove(stopped);
            }
        });
    }

    private void remove(LiveInstance instance) {
        lock.lock();
        try {
            instances.remove(instance);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void stop(LiveInstance instance) {
        try {
            if (instance.sandbox != null) {
                instance.sandbox.close();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot stop instance " + instance.id + " of " + name(), e);
        } finally {
            cleanUp(instance);
        }
    }

    private static void cleanUp(LiveInstance instance) {
        StateDirectory.deleteTree(instance.scratch);
        instance.record.delete();
    }

    /**
     * Housekeeping, called periodically: stops instances idle past keepalive (never below
     * min-instances) and starts instances up to min-instances.
     */
    void maintain() {
        List<LiveInstance> expired = new ArrayList<>();
        lock.lock();
        try {
            if (draining) {
                return;
            }
            long now = System.nanoTime();
            long keepalive = manifest.keepalive().toNanos();
            int live = instances.size();
            for (LiveInstance instance : instances) {
                boolean idle = instance.state == LiveInstance.State.READY && instance.inFlight == 0;
                if (idle && now - instance.lastReleasedNanos >= keepalive && live - expired.size() > manifest.minInstances()) {
                    expired.add(instance);
                }
            }
            for (int missing = manifest.minInstances() - (live - expired.size()); missing > 0; missing--) {
                startInstance();
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(this::retire);
    }

    /**
     * Stops taking requests, waits up to {@code grace} for those in flight, then stops every
     * instance, newest first. Returns once all are stopped.
     */
    void drain(Duration grace) {
        List<LiveInstance> toStop;
        lock.lock();
        try {
            draining = true;
            changed.signalAll();
            long remaining = grace.toNanos();
            while (remaining > 0 && instances.stream().anyMatch(i -> i.inFlight > 0)) {
                remaining = changed.awaitNanos(remaining);
            }
            toStop = new ArrayList<>(instances.reversed());
            toStop.forEach(i -> i.state = LiveInstance.State.STOPPING);
            instances.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            toStop = new ArrayList<>(instances.reversed());
            instances.clear();
        } finally {
            lock.unlock();
        }
        for (LiveInstance instance : toStop) {
            awaitBootEnd(instance);
            stop(instance);
        }
        for (CompletableFuture<Void> stop : List.copyOf(stopping)) {
            try {
                stop.get(RETIRED_STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // A stop that fails or hangs has logged why; the reaper of a later run removes what it left.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        prepared.close();
        context.metrics().remove(meters);
    }

    /** A booting instance is stopped only once its start has returned, so nothing it creates escapes. */
    private static void awaitBootEnd(LiveInstance instance) {
        try {
            instance.booted.get(instance.phases.totalNanos() + Duration.ofMinutes(1).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Failed boots clean up after themselves; a hung one is abandoned to its own timeout.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
