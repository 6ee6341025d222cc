package dev.edgefaas.sandbox.oci;

import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Path;
import java.util.List;

/** Stopping and deleting containers by id, for close and for the reaper; quiet about what is already gone. */
final class OciContainers {
    private static final int COMMAND_SECONDS = 10;

    private OciContainers() {
    }

    static void remove(Path binary, String stateRoot, String container) {
        quietly(List.of(binary.toString(), "--root", stateRoot, "kill", container, "KILL"));
        // runsc spells the flag -force; runc and crun take -f (and runc also --force).
        boolean runsc = binary.getFileName().toString().equals("runsc");
        quietly(List.of(binary.toString(), "--root", stateRoot, "delete", runsc ? "-force" : "-f", container));
    }

    private static void quietly(List<String> command) {
        try {
            OciRuntime.run(command, COMMAND_SECONDS);
        } catch (SandboxException e) {
            // The container is already stopped or gone.
        }
    }
}
