package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.Executables;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.sandbox.SandboxException;

/** What every sandbox that boots guests on QEMU needs of the host. */
final class VmHost {
    static final String QEMU = "qemu-system-x86_64";

    private VmHost() {
    }

    /**
     * Fails, saying how to fix it, unless this runs as root with writable cgroups and QEMU
     * installed; returns QEMU's path.
     */
    static String requireQemuAsRoot(CgroupLayout cgroups) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new SandboxException("virtual machines need root here (tap devices, namespaces, cgroups): run edgefaas as root");
        }
        if (!cgroups.writable()) {
            throw new SandboxException("cgroups are not writable (" + cgroups.describe() + "): run as root on Linux");
        }
        return Executables.find(QEMU).orElseThrow(() -> new SandboxException(
                QEMU + " is not installed: apt-get install -y qemu-system-x86")).toString();
    }
}
