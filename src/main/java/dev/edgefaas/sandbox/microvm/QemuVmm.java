package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU as the VMM of every QEMU-based sandbox; what differs between guests is a {@link QemuGuest}.
 * Common to all: the accelerator's arguments, no defaults and no display, no reboot (a guest that
 * restarts or panics ends QEMU), the console on standard output, the root disk read-only, and a
 * QMP socket to ask for the stop.
 */
final class QemuVmm implements Vmm {
    private static final String QMP_SOCKET = "qmp.sock";

    private final String qemu;
    private final Accelerator accelerator;
    private final QemuGuest guest;

    QemuVmm(String qemu, Accelerator accelerator, QemuGuest guest) {
        this.qemu = qemu;
        this.accelerator = accelerator;
        this.guest = guest;
    }

    @Override
    public String sandbox() {
        return guest.sandbox();
    }

    @Override
    public InstanceNetwork takeLink(NamespacePool pool, int callbackPort) {
        return guest.sharedAddress() ? pool.takeGuestNat(callbackPort) : pool.takeTap(callbackPort);
    }

    @Override
    public boolean probesReadiness() {
        return guest.sharedAddress();
    }

    @Override
    public MicrovmInstance.ExitReport exitReport() {
        return guest.exitReport();
    }

    @Override
    public List<String> command(MicrovmLaunch launch) {
        GuestNetwork network = launch.network();
        List<String> arguments = new ArrayList<>();
        if (guest.sharedAddress()) {
            arguments.addAll(List.of("ip", "netns", "exec", network.link().name()));
        }
        arguments.addAll(List.of(qemu, "-name", "edgefaas-" + launch.id(), "-M", machine(launch)));
        arguments.addAll(accelerator.qemuArguments());
        arguments.addAll(List.of(
                "-m", launch.memoryMib() + "M", "-smp", Integer.toString(launch.vcpus()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-serial", "stdio"));
        if (guest.boot() != QemuGuest.Boot.DISK) {
            arguments.addAll(List.of("-kernel", launch.kernel().image().toString()));
        }
        if (guest.boot() == QemuGuest.Boot.KERNEL_AND_INITRAMFS) {
            arguments.addAll(List.of("-initrd", launch.image().initramfs().toString()));
        }
        if (guest.boot() != QemuGuest.Boot.DISK) {
            arguments.addAll(List.of("-append", guest.commandLine().apply(launch)));
        }
        for (String device : guest.extraDevices()) {
            arguments.addAll(List.of("-device", device));
        }
        arguments.addAll(List.of(
                "-drive", "id=root,file=" + launch.image().rootDisk() + ",format=raw,if=none,readonly=on",
                "-device", virtio("blk") + ",drive=root",
                "-netdev", netdev(network),
                "-device", virtio("net") + ",netdev=net0" + (!guest.sharedAddress() && network.link() != null
                        ? ",mac=" + network.link().instanceMac() : ""),
                "-qmp", "unix:" + launch.scratch().resolve(QMP_SOCKET) + ",server=on,wait=off"));
        return arguments;
    }

    private String machine(MicrovmLaunch launch) {
        return guest.microvm() ? "microvm,acpi=" + (launch.kernel().acpi() ? "on" : "off") : "pc";
    }

    private String virtio(String device) {
        return "virtio-" + device + (guest.microvm() ? "-device" : "-pci");
    }

    private String netdev(GuestNetwork network) {
        if (guest.sharedAddress()) {
            return "tap,id=net0,ifname=" + GuestNat.TAP + ",script=no,downscript=no";
        }
        return network.link() != null
                ? "tap,id=net0,ifname=" + network.link().hostInterface() + ",script=no,downscript=no"
                : "user,id=net0,hostfwd=tcp:127.0.0.1:" + network.loopbackPort() + "-:" + network.guestPort();
    }

    @Override
    public void requestStop(Path scratch, Process process) {
        QmpClient.quit(scratch.resolve(QMP_SOCKET));
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", guest.details().get("vmm"));
        details.put("accelerator", accelerator.name() + (accelerator.kvm() ? "" : " (" + accelerator.reason() + ")"));
        guest.details().forEach(details::putIfAbsent);
        return details;
    }
}
