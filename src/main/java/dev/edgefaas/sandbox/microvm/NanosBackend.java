package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.image.NanosImageBuilder;
import dev.edgefaas.image.NanosToolchain;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs each instance as a Nanos unikernel: the function's files become a Nanos image (once per
 * version, with the toolchain's {@code mkfs}), booted on QEMU, KVM where it works, else TCG.
 *
 * <p>Per-instance settings: Nanos reads its network settings from the image, and options from
 * the kernel command line only when booted through the Linux boot protocol (Firecracker);
 * under QEMU it boots through its own loader, which passes none. So every instance carries the
 * same settings and runs in a namespace of its own that translates ({@link
 * dev.edgefaas.host.network.GuestNat}), and readiness is the guest's port accepting, not a
 * callback: nothing per instance has to reach the guest at all.
 */
public final class NanosBackend implements SandboxBackend {
    public static final String NAME = "nanos";

    private final CgroupLayout cgroups;
    private final Path cacheRoot;
    private final NamespacePool namespaces;

    public NanosBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        this.cgroups = cgroups;
        this.cacheRoot = cacheRoot;
        this.namespaces = namespaces;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability probe() {
        try {
            Setup setup = checkHost();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("toolchain", setup.toolchain().directory().toString());
            details.put("accelerator", setup.accelerator().name() + ": " + setup.accelerator().reason());
            details.put("network", "a namespace per instance: the image's fixed address behind NAT");
            return Availability.usable(setup.accelerator().name() + "; Nanos " + setup.toolchain().version(), details);
        } catch (SandboxException e) {
            return Availability.unusable(e.getMessage());
        }
    }

    private record Setup(String qemu, NanosToolchain toolchain, Accelerator accelerator) {
    }

    private Setup checkHost() {
        NanosToolchain toolchain = NanosToolchain.find().orElseThrow(() -> new SandboxException(
                "no Nanos toolchain found (looked at " + NanosToolchain.whereLooked() + "): build nanovms/nanos"
                        + " ('make kernel tools') and put kernel.img, boot.img and mkfs in one of those, or set EDGEFAAS_NANOS"));
        String qemu = VmHost.requireQemuAsRoot(cgroups);
        return new Setup(qemu, toolchain, Accelerator.detect(qemu));
    }

    @Override
    public PreparedFunction prepare(FunctionManifest manifest) {
        Setup setup = checkHost();
        if (manifest.runtime() == Runtime.BINARY) {
            throw new SandboxException("runtime binary runs only in the process sandbox; build the function as a"
                    + " static Go binary (runtime go) or a Node.js script (runtime node)");
        }
        if (manifest.network() == FunctionManifest.Network.HOST) {
            throw new SandboxException("network: a Nanos instance has no host network mode; use \"network\": \"isolated\"");
        }
        if (namespaces == null) {
            throw new SandboxException(NAME + " needs the platform's network pool");
        }
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(cacheRoot.resolve("rootfs")).build(manifest);
        GuestImage image = new NanosImageBuilder(cacheRoot.resolve("nanos")).build(manifest, rootfs, setup.toolchain());
        namespaces.warmUpGuestNats();
        GuestKernel kernel = new GuestKernel(setup.toolchain().kernel(), "nanos " + setup.toolchain().version(), List.of(),
                true);
        return new MicrovmFunction(manifest, new QemuVmm(setup.qemu(), setup.accelerator(), QemuGuest.nanos(setup.toolchain())), kernel,
                image, cgroups, namespaces);
    }

    @Override
    public void reap(InstanceRecord record) {
        MicrovmRecords.reap(record, cgroups, VmHost.QEMU);
    }
}
