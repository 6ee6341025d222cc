package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import java.io.IOException;
import java.nio.file.Path;
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

    /**
     * One guest to boot.
     *
     * @param instanceEnvironment KEY=VALUE settings of this instance, passed on the kernel command line
     */
    record MicrovmLaunch(String id, GuestKernel kernel, GuestImage image, GuestNetwork network, int vcpus,
                         long memoryMib, Path scratch, List<String> instanceEnvironment) {
        /** The value of one of {@link #instanceEnvironment}, or null if the instance has none of {@code key}. */
        String setting(String key) {
            String prefix = key + "=";
            return instanceEnvironment.stream().filter(line -> line.startsWith(prefix))
                    .map(line -> line.substring(prefix.length())).findFirst().orElse(null);
        }
    }
}
