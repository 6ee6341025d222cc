package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.BackgroundWork;
import dev.edgefaas.host.HostCpu;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.Shutdown;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.sandbox.OutputPump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * VMMs of one snapshot started ahead of need, each in a namespace and cgroup of its own and
 * waiting idle ({@code -incoming defer}: no CPU; a few tens of MiB of its own, its clone's
 * {@link WorkingSet} included) for a clone's state, so that a restore does not wait for QEMU
 * to start (about 150 ms of CPU here). A restore takes one
 * ({@link #take}), whose cgroup becomes the instance's (moving a process between cgroups costs
 * about 15 ms here: the kernel waits for an RCU grace period per hierarchy), and fresh ones are
 * {@linkplain #fill started} once the restores are over and the host is quiet. Each is recorded
 * in the state directory before its cgroup and process exist, like an instance, so the reaper of
 * a later run kills what a crashed one left.
 *
 * <p>How many wait ({@link Sizes}): the node's spare count; for a function that may need more at
 * once, up to its {@code burst} while it is in use, and the spare count again once no restore
 * has taken one for {@link #IN_USE_FOR}. A burst of ten restores that found four waiting started
 * six QEMUs of its own on the two cores it shared with them, and took 1.8 s at the median where
 * ten waiting made it 1.0-1.2 s (OSv, hello-go, single use).
 */
final class StandbyVmms implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StandbyVmms.class.getName());
    /** In a standby's record once its VMM listens for a state: since when it has been waiting. */
    static final String RECORD_WAITING_SINCE = "waiting-since";

    /** Starts one standby VMM, returning once it is listening for its state. */
    @FunctionalInterface
    interface Starter {
        Standby start() throws IOException;
    }

    /**
     * One started VMM waiting for a state. Any part may be null while it is being started, and
     * {@link #discard} removes those that are there.
     *
     * @param record  names its cgroup and pid for the reaper
     * @param scratch its console and QMP socket, until an instance takes them over
     * @param output  copies its console into the scratch directory, and into the log of the instance that takes it over
     */
    record Standby(String id, InstanceRecord record, Path scratch, Cgroup group, InstanceNetwork link, Process process,
                   OutputPump output, NamespacePool namespaces) {
        Standby withGroup(Cgroup created) {
            return new Standby(id, record, scratch, created, link, process, output, namespaces);
        }

        Standby withLink(InstanceNetwork taken) {
            return new Standby(id, record, scratch, group, taken, process, output, namespaces);
        }

        Standby withProcess(Process started, OutputPump copying) {
            return new Standby(id, record, scratch, group, link, started, copying, namespaces);
        }

        /**
         * Hands what the VMM made in its scratch directory (its console, its control socket:
         * QEMU's QMP or Firecracker's API) to an instance's {@code scratch} (a renamed socket
         * still reaches its VMM, a renamed log still receives its output), then forgets this
         * standby: its record and directory go. The process, cgroup and link are the instance's
         * from now on, and must be named in its record already.
         */
        void handTo(Path instanceScratch) throws IOException {
            List<Path> made;
            try (Stream<Path> files = Files.list(scratch)) {
                made = files.toList();
            }
            for (Path file : made) {
                Files.move(file, instanceScratch.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            Shutdown.all(record::delete, () -> StateDirectory.deleteTree(scratch));
        }

        /** Kills the VMM and removes everything it had; what exists of it. */
        void discard() {
            Shutdown.all(() -> {
                if (process != null) {
                    process.destroyForcibly();
                    process.waitFor();
                }
            }, () -> {
                if (group != null) {
                    group.close();
                }
            }, () -> {
                if (link != null) {
                    namespaces.release(link);
                }
            }, record::delete, () -> StateDirectory.deleteTree(scratch));
        }
    }

    /** How long after its last restore a function still counts as in use: its extra VMMs wait that long. */
    static final Duration IN_USE_FOR = Duration.ofMinutes(10);
    /** One timer for every pool's trim: each task only looks at its pool and discards what is extra. */
    private static final ScheduledExecutorService TRIMMER = ThreadFactories.housekeeping("edgefaas-standby-trim");

    /**
     * How many VMMs to keep waiting.
     *
     * @param spare how many always, as long as the version exists; 0 starts none
     * @param burst how many while the function is in use, at least {@code spare}
     */
    record Sizes(int spare, int burst) {
        /** A single-use function's most VMMs waiting, whatever its max-instances. */
        static final int MAX_BURST = 16;

        Sizes {
            if (spare < 0 || burst < spare) {
                throw new IllegalArgumentException("standby VMMs: spare " + spare + ", burst " + burst);
            }
        }

        /**
         * The node's {@code spare} count; for a single-use function, whose every request takes a
         * VMM, as many as it may have instances (at most {@link #MAX_BURST}), unless the node
         * keeps none.
         */
        static Sizes of(FunctionManifest manifest, int spare) {
            boolean burst = manifest.singleUse() && spare > 0;
            return new Sizes(spare, burst ? Math.max(spare, Math.min(manifest.maxInstances(), MAX_BURST)) : spare);
        }
    }

    private final Sizes sizes;
    private final Duration inUseFor;
    private final String version;
    private final LinkedBlockingDeque<Standby> ready = new LinkedBlockingDeque<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final AtomicInteger restoring = new AtomicInteger();
    private final AtomicBoolean trimScheduled = new AtomicBoolean();
    /** When a restore last asked for one; the version's making counts as the first. */
    private volatile long lastTakeNanos = System.nanoTime();
    private volatile boolean closed;

    /**
     * @param sizes   how many to keep waiting
     * @param version what they are for, as the log names it
     */
    StandbyVmms(Sizes sizes, String version) {
        this(sizes, IN_USE_FOR, version);
    }

    StandbyVmms(Sizes sizes, Duration inUseFor, String version) {
        this.sizes = sizes;
        this.inUseFor = inUseFor;
        this.version = version;
    }

    /** A waiting VMM whose process is alive, if one is ready. */
    Optional<Standby> take() {
        lastTakeNanos = System.nanoTime();
        Standby taken;
        while ((taken = ready.pollFirst()) != null && !taken.process().isAlive()) {
            taken.discard();
        }
        return Optional.ofNullable(taken);
    }

    /** Notes a restore under way: none is started until every restore is over ({@link #restored}). */
    void restoring() {
        restoring.incrementAndGet();
    }

    /**
     * Notes a restore over; once none is under way, starts the VMMs that are missing. Not
     * sooner: starting one takes about 150 ms of CPU here, which a burst of restores needs.
     */
    void restored(Starter starter) {
        if (restoring.decrementAndGet() == 0) {
            fill(starter);
        }
    }

    /**
     * Starts, in the background, the VMMs that are missing, one after another and each once the
     * host is quiet: the clones of a burst answer their first requests after their restores are
     * over, for seconds under TCG, and a VMM started then would take CPU from them. A restore
     * that begins meanwhile stops the refill after the VMM being started; its end starts it again.
     */
    void fill(Starter starter) {
        if (!missing() || !refilling.compareAndSet(false, true)) {
            return;
        }
        BackgroundWork.Token work = BackgroundWork.begin();
        ThreadFactories.startVirtual("standby-vmm", () -> {
            try (work) {
                boolean failed = false;
                try {
                    while (missing() && !failed) {
                        HostCpu.awaitQuietForBackground();
                        failed = missing() && !startOne(starter);
                    }
                } finally {
                    refilling.set(false);
                }
                // A restore may have ended after the last check and before the flag was clear: its fill returned.
                if (!failed) {
                    fill(starter);
                }
                scheduleTrim();
            }
        });
    }

    private boolean missing() {
        return !closed && restoring.get() == 0 && ready.size() < target();
    }

    /** How many should wait now: the burst size while the function is in use, else the spare count. */
    int target() {
        return inUse() ? sizes.burst() : sizes.spare();
    }

    private boolean inUse() {
        return System.nanoTime() - lastTakeNanos < inUseFor.toNanos();
    }

    /** Once the function is out of use, discards the VMMs beyond the spare count; asks again until then. */
    private void scheduleTrim() {
        if (ready.size() <= sizes.spare() || closed || !trimScheduled.compareAndSet(false, true)) {
            return;
        }
        long dueNanos = Math.max(0, lastTakeNanos + inUseFor.toNanos() - System.nanoTime());
        TRIMMER.schedule(() -> {
            trimScheduled.set(false);
            if (inUse()) {
                scheduleTrim();
                return;
            }
            // Discarding waits for each process to end: not on the shared timer.
            ThreadFactories.startVirtual("standby-trim", this::trim);
        }, dueNanos, TimeUnit.NANOSECONDS);
    }

    private void trim() {
        Standby extra;
        int discarded = 0;
        // A restore that began meanwhile made the function in use again: what is left waits for it.
        while (!inUse() && ready.size() > sizes.spare() && (extra = ready.pollLast()) != null) {
            extra.discard();
            discarded++;
        }
        if (discarded > 0) {
            int count = discarded;
            LOG.fine(() -> "discarded " + count + " standby VMMs of " + version + ", unused for " + inUseFor);
        }
    }

    /** Starts one VMM and puts it with the waiting ones; false, said in the log, if it cannot be started. */
    private boolean startOne(Starter starter) {
        try {
            Standby started = starter.start();
            ready.offerLast(started);
            if (closed && ready.remove(started)) {
                started.discard();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "cannot start a standby VMM for " + version + ": " + e.getMessage());
            return false;
        }
    }

    /** How many are waiting now. */
    int waiting() {
        return ready.size();
    }

    /** Discards every waiting VMM and starts no more: the snapshot is gone or unusable. */
    @Override
    public void close() {
        closed = true;
        Standby standby;
        while ((standby = ready.pollFirst()) != null) {
            standby.discard();
        }
    }
}
