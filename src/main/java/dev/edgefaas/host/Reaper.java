package dev.edgefaas.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes what instances of a crashed earlier run left on the host. Runs once at startup,
 * before any instance starts, while the state directory is locked by this run.
 */
public final class Reaper {
    private static final Logger LOG = Logger.getLogger(Reaper.class.getName());
    private Reaper() {
    }

    /**
     * Reaps every stale record with the backend that wrote it.
     *
     * @param backends how each backend removes its resources, by backend name
     * @return the ids of the instances reaped
     */
    public static List<String> reapLeftovers(StateDirectory state, Map<String, Consumer<InstanceRecord>> backends) {
        List<String> reaped = new ArrayList<>();
        for (InstanceRecord record : state.staleRecords()) {
            Consumer<InstanceRecord> reaper = backends.get(record.backend());
            if (reaper != null) {
                try {
                    reaper.accept(record);
                } catch (RuntimeException e) {
                    // One leftover that will not go must not keep the platform from starting: its
                    // record stays, and the next start tries again.
                    LOG.log(Level.WARNING, "cannot remove what instance " + record.instanceId() + " left: "
                            + e.getMessage() + "; its record stays for the next start", e);
                    continue;
                }
            }
            // A record of a backend this build does not know cannot be reaped better by keeping it.
            StateDirectory.deleteTree(state.root().resolve("instances").resolve(record.instanceId() + ".d"));
            record.delete();
            reaped.add(record.instanceId());
        }
        for (Path orphan : state.orphanDirectories()) {
            StateDirectory.deleteTree(orphan);
        }
        state.removeUnfinishedRecordWrites();
        return reaped;
    }
}
