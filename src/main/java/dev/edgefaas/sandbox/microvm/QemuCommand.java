package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.image.GuestKernels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The QEMU command line of one microVM: {@code -M microvm} with virtio-mmio devices only, direct
 * kernel boot (no firmware beyond microvm's own), the root disk read-only, the console on
 * standard output, QMP on a socket, and no reboot: a guest that restarts or panics ends QEMU.
 */
record QemuCommand(String qemu, Accelerator accelerator, GuestKernel kernel, GuestImage image, GuestNetwork network,
                   int vcpus, long memoryMib, Path qmpSocket, List<String> instanceEnvironment) {

    List<String> arguments(String name) {
        List<String> arguments = new ArrayList<>(List.of(qemu, "-name", name,
                "-M", "microvm,acpi=" + (kernel.acpi() ? "on" : "off")));
        arguments.addAll(accelerator.qemuArguments());
        arguments.addAll(List.of(
                "-m", memoryMib + "M", "-smp", Integer.toString(vcpus),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-serial", "stdio",
                "-kernel", kernel.image().toString(),
                "-initrd", image.initramfs().toString(),
                "-append", kernelCommandLine(),
                "-drive", "id=root,file=" + image.rootDisk() + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=root",
                "-netdev", netdev(),
                "-device", "virtio-net-device,netdev=net0" + (network.link() != null ? ",mac=" + network.link().instanceMac() : ""),
                "-device", "virtio-rng-device",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off"));
        return arguments;
    }

    private String netdev() {
        return network.link() != null
                ? "tap,id=net0,ifname=" + network.link().hostInterface() + ",script=no,downscript=no"
                : "user,id=net0,hostfwd=tcp:127.0.0.1:" + network.loopbackPort() + "-:" + GuestNetwork.GUEST_PORT;
    }

    /**
     * {@code quiet} because every console byte is a VM exit, {@code reboot=t panic=-1} so that
     * the guest's end is QEMU's end; per-instance settings as KEY=VALUE, which the kernel hands
     * to init as its environment.
     */
    String kernelCommandLine() {
        // no_timer_check: on a loaded host the emulated timer can miss Linux's boot-time IO-APIC
        // check, which then panics ("IO-APIC + timer doesn't work!"); a VM's timer needs no check.
        List<String> parameters = new ArrayList<>(List.of("console=ttyS0", "quiet", "reboot=t", "panic=-1",
                "no_timer_check", "ip=" + network.kernelIpParameter()));
        if (!accelerator.kvm()) {
            OptionalLong khz = TscFrequency.kilohertz();
            if (khz.isPresent()) {
                parameters.add("tsc_early_khz=" + khz.getAsLong());
                parameters.add("tsc=reliable");
            }
        }
        parameters.addAll(GuestKernels.extraArguments());
        parameters.addAll(instanceEnvironment);
        return String.join(" ", parameters);
    }
}
