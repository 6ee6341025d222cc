package dev.edgefaas.dispatcher;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.logs.FunctionLog;
import dev.edgefaas.logs.FunctionLogs;
import dev.edgefaas.metrics.PlatformMetrics;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.SandboxException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deployed functions and their pools. The gateway asks it for a {@link Lease} per request; the
 * management API deploys and removes functions through it.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    /** How often keepalive expiry and min-instances are checked; bounds how late an idle instance stops. */
    private static final Duration HOUSEKEEPING_PERIOD = Duration.ofMillis(200);

    private final Map<String, SandboxBackend> backends;
    private final Map<String, FunctionPool> pools = new ConcurrentHashMap<>();
    private final PoolContext context;
    private final ScheduledExecutorService housekeeping = ThreadFactories.housekeeping("edgefaas-housekeeping");
    private volatile boolean closed;

    /**
     * @param backends     the sandbox backends functions may name, by name
     * @param callbackPort the callback listener's port, known once the server has started
     */
    public Dispatcher(Map<String, SandboxBackend> backends, StateDirectory state, IntSupplier callbackPort,
                      PlatformMetrics metrics, ReadinessCallbacks callbacks, FunctionLogs logs, WaitingRoom waitingRoom) {
        this.backends = Map.copyOf(backends);
        this.context = new PoolContext(state, callbacks, callbackPort, metrics, logs, waitingRoom, new CopyOnWriteArrayList<>());
        metrics.waitingRoom(waitingRoom::requests, waitingRoom::bytes);
        housekeeping.scheduleWithFixedDelay(this::maintainAll, HOUSEKEEPING_PERIOD.toMillis(),
                HOUSEKEEPING_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Calls {@code listener} with an instance's endpoint as soon as its sandbox has stopped, for
     * whatever reason. A VM that vanishes sends no FIN: whoever holds connections to it must
     * close them, or requests on them wait for the exchange timeout.
     */
    public void onInstanceStopped(Consumer<URI> listener) {
        context.exitListeners().add(listener);
    }

    /**
     * Whether {@code manifest}'s sandbox is one of this platform's and does not run its runtime
     * (OSv runs no Node.js). An unknown sandbox is left to {@link #deploy} to refuse, with its message.
     */
    /** The backend of sandbox {@code name}, if this platform has it. */
    public Optional<SandboxBackend> backend(String name) {
        return Optional.ofNullable(backends.get(name));
    }

    public boolean sandboxRefusesRuntime(FunctionManifest manifest) {
        SandboxBackend backend = backends.get(manifest.sandbox());
        return backend != null && !backend.runs(manifest.runtime());
    }

    /**
     * Deploys {@code manifest}, replacing a function of the same name: new requests go to the new
     * version at once, the old one's instances drain in the background.
     *
     * @return true if a function was replaced
     * @throws SandboxException if its sandbox is unknown, unusable here, or cannot prepare it
     */
    public boolean deploy(FunctionManifest manifest) {
        return deploy(manifest, () -> { });
    }

    /**
     * {@link #deploy(FunctionManifest)}, running {@code whenReplacedDrained} once the replaced
     * version's instances are stopped (at once if nothing was replaced): what they used can go then.
     */
    public boolean deploy(FunctionManifest manifest, Runnable whenReplacedDrained) {
        if (closed) {
            throw new SandboxException("the platform is shutting down");
        }
        SandboxBackend backend = backends.get(manifest.sandbox());
        if (backend == null) {
            throw new SandboxException("sandbox: '" + manifest.sandbox() + "' is not a sandbox of this platform;"
                    + " use one of " + backends.keySet().stream().sorted().toList());
        }
        Availability availability = backend.probe();
        if (!availability.usable()) {
            throw new SandboxException("sandbox: " + manifest.sandbox() + " cannot run here: " + availability.summary());
        }
        PreparedFunction prepared = backend.prepare(manifest);
        FunctionPool pool = new FunctionPool(manifest, prepared, context);
        FunctionPool previous = pools.put(manifest.name().value(), pool);
        if (previous != null) {
            ThreadFactories.startVirtual("drain-" + previous.name(), () -> {
                previous.drain(manifest.queueTimeout());
                whenReplacedDrained.run();
            });
        } else {
            whenReplacedDrained.run();
        }
        pool.maintain();
        return previous != null;
    }

    /**
     * Removes a function: waits up to {@code grace} for its requests in flight, then stops its instances.
     *
     * @return false if no such function was deployed
     */
    public boolean remove(String name, Duration grace) {
        FunctionPool pool = pools.remove(name);
        if (pool == null) {
            return false;
        }
        pool.drain(grace);
        if (!pools.containsKey(name)) {
            context.logs().remove(name);
            context.metrics().forgetFunction(name);
        }
        return true;
    }

    /** The log of deployed function {@code name}: what its instances printed, now and before a restart. */
    public Optional<FunctionLog> log(String name) {
        return pools.containsKey(name) ? Optional.of(context.logs().of(name)) : Optional.empty();
    }

    /**
     * A slot on an instance of {@code function}, cold-starting one if needed.
     *
     * @param heldBytes what the request holds in memory while it waits, counted against the node's waiting
     *                  room; asked only if it has to wait, so a warm request does not pay for counting
     * @throws DispatchException if there is no such function, no capacity in time, or the start failed
     */
    public Lease acquire(String function, LongSupplier heldBytes) {
        FunctionPool pool = pools.get(function);
        if (pool == null) {
            throw DispatchException.unknownFunction(function);
        }
        return pool.acquire(heldBytes);
    }

    /**
     * A slot on a warm instance of {@code function} if one is free at once, else empty (the
     * caller then waits in {@link #acquire} off its event loop). Never blocks: an event loop
     * asks this for every request, and a lock held by a cold start must not stall it.
     */
    public Optional<Lease> tryAcquireWarm(String function) {
        FunctionPool pool = pools.get(function);
        return pool == null ? Optional.empty() : Optional.ofNullable(pool.tryAcquireWarm());
    }

    /** Whether a function of this name is deployed. */
    public boolean has(String function) {
        return pools.containsKey(function);
    }

    public Optional<FunctionManifest> function(String name) {
        return Optional.ofNullable(pools.get(name)).map(FunctionPool::manifest);
    }

    public List<FunctionManifest> functions() {
        return pools.values().stream().map(FunctionPool::manifest)
                .sorted(Comparator.comparing(m -> m.name().value())).toList();
    }

    public List<InstanceView> instances() {
        List<InstanceView> all = new ArrayList<>();
        pools.values().forEach(pool -> all.addAll(pool.views()));
        all.sort(Comparator.comparing(InstanceView::function).thenComparing(InstanceView::startedAt));
        return all;
    }

    private void maintainAll() {
        for (FunctionPool pool : pools.values()) {
            try {
                pool.maintain();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "housekeeping of " + pool.name() + " failed", e);
            }
        }
    }

    /** Drains every function within {@code grace} and stops all instances. Idempotent. */
    public void shutdown(Duration grace) {
        closed = true;
        housekeeping.shutdownNow();
        List<Thread> drains = new ArrayList<>();
        for (String name : List.copyOf(pools.keySet())) {
            FunctionPool pool = pools.remove(name);
            if (pool != null) {
                drains.add(ThreadFactories.startVirtual("drain-" + name, () -> pool.drain(grace)));
            }
        }
        for (Thread drain : drains) {
            try {
                drain.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // The files stay, for the next start of the node.
        context.logs().close();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }
}
