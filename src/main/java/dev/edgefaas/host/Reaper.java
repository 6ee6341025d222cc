package dev.edgefaas.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Removes what instances of a crashed earlier run left on the host. Runs once at startup,
 * before any instance starts, while the state directory is locked by this run.
 */
public final class Reaper {
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
                reaper.accept(record);
            }
            // A record of a backend this build does not know cannot be reaped better by keeping it.
            StateDirectory.deleteTree(state.root().resolve("instances").resolve(record.instanceId() + ".d"));
            record.delete();
            reaped.add(record.instanceId());
        }
        for (Path orphan : state.orphanDirectories()) {
            StateDirectory.deleteTree(orphan);
        }
        return reaped;
    }
}
