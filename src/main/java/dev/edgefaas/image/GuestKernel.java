package dev.edgefaas.image;

import java.nio.file.Path;
import java.util.List;

/**
 * A Linux kernel to boot microVM guests with.
 *
 * @param image   the kernel image: a PVH-capable {@code vmlinux} or a {@code bzImage}/{@code vmlinuz}
 * @param kind    {@code minimal} (built by {@code edgefaas kernel build}), {@code debian-cloud} or {@code user}
 * @param modules modules the guest's init loads, in order: a distribution kernel builds virtio as modules
 * @param acpi    whether the guest finds its devices through ACPI; without it QEMU lists the
 *                virtio-mmio devices on the kernel command line instead
 */
public record GuestKernel(Path image, String kind, List<Path> modules, boolean acpi) {
    public GuestKernel {
        modules = List.copyOf(modules);
    }

    /** One line for {@code doctor} and instance details. */
    public String describe() {
        return kind + " (" + image + (modules.isEmpty() ? "" : ", " + modules.size() + " modules") + ")";
    }
}
