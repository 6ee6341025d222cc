package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The snapshot of one prepared function version's guest, ready and idle: its RAM (a file in
 * memory that every clone maps copy-on-write) and its devices' state. Saved once, by the first
 * start that needs it, while later starts wait; each clone is restored from it. A save or
 * restore that fails makes the snapshot unusable: every later instance boots, and the log says
 * why once. The files go with the version ({@link #close}), and the state directory's in-memory
 * directory they sit in is emptied at the platform's next start, should it crash first. Its
 * {@link StandbyVmms} wait for clones' states from the first save until then.
 */
final class GuestSnapshot implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GuestSnapshot.class.getName());

    /**
     * Saves the snapshot's files. An {@link IOException} (the save itself failed) is the reason
     * the snapshot is not used; a {@link RuntimeException} (the guest did not come up to be
     * saved: the function's own failure) is the start's, and a later start tries again.
     */
    @FunctionalInterface
    interface Saver {
        void save(GuestSnapshot snapshot) throws IOException;
    }

    private final Path directory;
    private final String version;
    private final StandbyVmms standby;
    private volatile boolean saved;
    private volatile Vmm.SavedGuest savedGuest;
    private volatile String unusable;
    private final AtomicBoolean workingSetAsked = new AtomicBoolean();
    private volatile WorkingSet workingSet;
    private volatile boolean clonesAccept;

    /**
     * @param directory a directory of its own, in memory, made now
     * @param version   what the snapshot is of, as instance details and the log name it
     * @param standbys  how many VMMs to keep waiting for a clone's state
     */
    GuestSnapshot(Path directory, String version, StandbyVmms.Sizes standbys) {
        this.directory = directory;
        this.version = version;
        this.standby = new StandbyVmms(standbys, version);
    }

    /** The VMMs started ahead for this snapshot's clones. */
    StandbyVmms standby() {
        return standby;
    }

    Path ram() {
        return directory.resolve("ram");
    }

    Path state() {
        return directory.resolve("state");
    }

    /** The saved guest's state, which every clone is restored from. */
    Vmm.SavedGuest saved() {
        return savedGuest;
    }

    void saved(Vmm.SavedGuest guest) {
        savedGuest = guest;
    }

    /**
     * Whether the caller is the first to ask, and so the one to record the {@link WorkingSet}:
     * true once per snapshot, whether the recording then succeeds or not.
     */
    boolean firstToRecordWorkingSet() {
        return workingSetAsked.compareAndSet(false, true);
    }

    /** What each standby VMM is given ahead of its clone, once recorded. */
    Optional<WorkingSet> workingSet() {
        return Optional.ofNullable(workingSet);
    }

    /** Records {@code recorded}, or with null forgets it: standbys are then started without. */
    void workingSet(WorkingSet recorded) {
        workingSet = recorded;
    }

    /**
     * Whether a clone of this snapshot has accepted a connection on its guest port, as every
     * clone then does once its VMM runs it: each resumes the same guest, saved listening. Until
     * one has, each clone's readiness is probed like a booted guest's.
     */
    boolean clonesAccept() {
        return clonesAccept;
    }

    /** Notes that a clone accepted a connection on its guest port once restored. */
    void cloneAccepted() {
        clonesAccept = true;
    }

    String version() {
        return version;
    }

    /** Why instances boot instead of being restored, once a save or restore failed. */
    Optional<String> unusable() {
        return Optional.ofNullable(unusable);
    }

    /**
     * Whether a clone can be restored, saving the snapshot with {@code saver} first if nobody
     * has: false if it is unusable, and then also if this save failed.
     *
     * @throws RuntimeException what {@code saver} threw of the guest's own failure
     */
    boolean ensureSaved(Saver saver) {
        if (saved || unusable != null) {
            return saved;
        }
        synchronized (this) {
            if (!saved && unusable == null) {
                try {
                    Files.createDirectories(directory);
                    saver.save(this);
                    saved = true;
                } catch (IOException e) {
                    giveUp("saving it failed: " + e.getMessage());
                }
            }
        }
        return saved;
    }

    /** Stops restoring clones: every later instance boots. Logged once. */
    void giveUp(String reason) {
        synchronized (this) {
            if (unusable != null) {
                return;
            }
            unusable = reason;
            saved = false;
        }
        LOG.warning(() -> "instances of " + version + " boot instead of being restored from a snapshot: " + reason);
        standby.close();
        StateDirectory.deleteTree(directory);
    }

    /** Removes the snapshot's files: the version is gone. */
    @Override
    public void close() {
        synchronized (this) {
            saved = false;
            unusable = "the version was removed";
        }
        standby.close();
        StateDirectory.deleteTree(directory);
    }
}
