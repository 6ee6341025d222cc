package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.NanosToolchain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nanos on QEMU's {@code pc} machine, booting the image through its own loader: this Nanos's
 * kernel does not start under QEMU's direct (PVH) boot here, and that path would pass it no
 * command line anyway. Every instance has the image's network settings, so QEMU runs inside a
 * namespace of {@link GuestNat} that translates, and readiness is probed.
 */
final class NanosVmm implements Vmm {
    private static final String QMP_SOCKET = "qmp.sock";

    private final String qemu;
    private final Accelerator accelerator;
    private final NanosToolchain toolchain;

    NanosVmm(String qemu, Accelerator accelerator, NanosToolchain toolchain) {
        this.qemu = qemu;
        this.accelerator = accelerator;
        this.toolchain = toolchain;
    }

    @Override
    public String sandbox() {
        return NanosBackend.NAME;
    }

    @Override
    public InstanceNetwork takeLink(NamespacePool pool, int callbackPort) {
        return pool.takeGuestNat(callbackPort);
    }

    @Override
    public boolean probesReadiness() {
        return true;
    }

    @Override
    public MicrovmInstance.ExitReport exitReport() {
        return MicrovmInstance.ExitReport.DEBUG_EXIT;
    }

    @Override
    public List<String> command(MicrovmLaunch launch) {
        List<String> arguments = new ArrayList<>(List.of("ip", "netns", "exec", launch.network().link().name(),
                qemu, "-name", "edgefaas-" + launch.id(), "-M", "pc"));
        arguments.addAll(accelerator.qemuArguments());
        arguments.addAll(List.of(
                "-m", launch.memoryMib() + "M", "-smp", Integer.toString(launch.vcpus()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-serial", "stdio",
                // The image sets debug_exit: the program's status comes back as QEMU's.
                "-device", "isa-debug-exit",
                "-drive", "id=root,file=" + launch.image().rootDisk() + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-pci,drive=root",
                "-netdev", "tap,id=net0,ifname=" + GuestNat.TAP + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net0",
                "-qmp", "unix:" + launch.scratch().resolve(QMP_SOCKET) + ",server=on,wait=off"));
        return arguments;
    }

    @Override
    public void requestStop(Path scratch, Process process) {
        QmpClient.quit(scratch.resolve(QMP_SOCKET));
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "QEMU pc (Nanos " + toolchain.version() + ")");
        details.put("accelerator", accelerator.name() + (accelerator.kvm() ? "" : " (" + accelerator.reason() + ")"));
        details.put("readiness", "port probe (a Nanos image cannot carry a per-instance callback URL)");
        return details;
    }
}
