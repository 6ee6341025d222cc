package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A virtual machine monitor the microVM sandboxes boot guests with (QEMU, Firecracker): how to
 * launch one guest and how to ask it to stop. Everything else (image, kernel, network, cgroup,
 * readiness, diagnosis) is the same for all.
 */
interface Vmm {

    /** The sandbox's name, e.g. {@code qemu-microvm}. */
    String sandbox();

    /** The command that boots {@code launch}; may write files (a config) into its scratch directory. */
    List<String> command(MicrovmLaunch launch) throws IOException;

    /** Asks the VMM in {@code scratch} to exit; the caller kills it if it has not after a grace period. */
    void requestStop(Path scratch, Process process);

    /** The guest's link from the pool: a tap of its own, unless the guest cannot take per-instance settings. */
    default InstanceNetwork takeLink(NamespacePool pool, int callbackPort) {
        return pool.takeTap(callbackPort);
    }

    /**
     * Whether readiness is the guest's port accepting rather than a callback, for a guest that
     * cannot be told a callback URL.
     */
    default boolean probesReadiness() {
        return false;
    }

    /** How the guest reports its function's exit status. */
    default MicrovmInstance.ExitReport exitReport() {
        return MicrovmInstance.ExitReport.CONSOLE;
    }

    /** Facts for instance details: the VMM and its accelerator. */
    Map<String, String> details();

    /** Whether this VMM saves and restores snapshots of its guests ({@link #saveSnapshot}, {@link #awaitRestore}). */
    default boolean snapshots() {
        return false;
    }

    /**
     * Saves the running guest of {@code process} (booted with {@link GuestMemory#saving}) to
     * {@code state}, its RAM to {@code memory} (where it is already, for a VMM that booted it
     * there); the guest is stopped after.
     */
    default SavedGuest saveSnapshot(Path scratch, Process process, Path state, Path memory) throws IOException {
        throw new UnsupportedOperationException(sandbox() + " saves no snapshots");
    }

    /**
     * Waits until the VMM of {@code process}, started with {@link GuestMemory#restoring}, is
     * listening for a state, and makes it ready to take one: a standby VMM ({@link StandbyVmms}).
     */
    default void awaitStandby(Path scratch, Process process) throws IOException {
        throw new UnsupportedOperationException(sandbox() + " restores no snapshots");
    }

    /**
     * Whether a VMM {@linkplain #awaitStandby standing by} has its guest's RAM mapped already, so
     * that a {@link WorkingSet} can be put into it before its restore.
     */
    default boolean mapsMemoryWhileStandingBy() {
        return false;
    }

    /**
     * Feeds {@code state} (what {@link SavedGuest#resumedAfter} made) to the VMM of {@code process},
     * started with {@link GuestMemory#restoring} and {@linkplain #awaitStandby standing by}, its RAM
     * {@code memory} mapped copy-on-write; returns once the VMM has loaded it and runs the guest.
     *
     * @throws IOException if the VMM cannot load the state (it may have exited) or does not run the guest
     */
    default void awaitRestore(Path scratch, Process process, byte[] state, Path memory) throws IOException {
        throw new UnsupportedOperationException(sandbox() + " restores no snapshots");
    }

    /**
     * A saved guest's devices' state, read once when it was saved, with where its clocks are.
     *
     * @param stopped when the guest's clocks stopped
     * @param clock   null where the VMM moves a restored guest's clocks on itself
     */
    record SavedGuest(Instant stopped, byte[] state, SnapshotClock clock) {
        /** The state for a clone restored now: its clocks moved on by the time since {@link #stopped}. */
        byte[] resumedAfter(Instant now) {
            return clock == null ? state : clock.advanced(state, Duration.between(stopped, now));
        }
    }

    /**
     * Where a guest's RAM is: anonymous memory for a plain boot; a file in memory that the guest
     * writes through to, for the boot a snapshot is saved from; or that file mapped copy-on-write,
     * for a clone restored from it, which shares every page it has not written with the others.
     */
    record GuestMemory(Path file, boolean restore) {
        static final GuestMemory ANONYMOUS = new GuestMemory(null, false);

        static GuestMemory saving(Path file) {
            return new GuestMemory(file, false);
        }

        static GuestMemory restoring(Path file) {
            return new GuestMemory(file, true);
        }
    }

    /**
     * One guest to boot.
     *
     * @param instanceEnvironment KEY=VALUE settings of this instance, passed on the kernel command line
     * @param memory              where the guest's RAM is
     */
    record MicrovmLaunch(String id, GuestKernel kernel, GuestImage image, GuestNetwork network, int vcpus,
                         long memoryMib, Path scratch, List<String> instanceEnvironment, GuestMemory memory) {
        /** The value of one of {@link #instanceEnvironment}, or null if the instance has none of {@code key}. */
        String setting(String key) {
            String prefix = key + "=";
            return instanceEnvironment.stream().filter(line -> line.startsWith(prefix))
                    .map(line -> line.substring(prefix.length())).findFirst().orElse(null);
        }
    }
}
