package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.LaunchSpec;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.image.NanosImageBuilder;
import dev.edgefaas.image.NanosToolchain;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.BackendScope;
import dev.edgefaas.sandbox.HostNeeds;
import dev.edgefaas.sandbox.PreparedFunction;
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
public final class NanosBackend extends VmBackend<VmBackend.UnikernelHost<NanosToolchain>> {
    public static final String NAME = "nanos";

    public NanosBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        super(NAME, BackendScope.rootFileSystems().isolatedOnly("a Nanos instance sits behind NAT in a namespace of its"
                + " own; use \"network\": \"isolated\""), QEMU, cgroups, cacheRoot, namespaces);
    }

    /**
     * What Nanos cannot do of a manifest's own launch: its image fixes the port and runs one
     * program as its only user; that program must be an ELF binary (Nanos runs no script).
     */
    private static void requireLaunchNanosRuns(FunctionManifest manifest, RootfsBuilder.Rootfs rootfs) {
        LaunchSpec launch = manifest.launch();
        if (launch.port() != 0 && launch.port() != GuestNat.PORT) {
            throw new SandboxException("port: a Nanos image listens on " + GuestNat.PORT + " behind its NAT, not "
                    + launch.port() + "; make the app listen on $PORT, or " + UnikernelProgram.LAUNCH_FIX);
        }
        UnikernelProgram.requireNoUser("Nanos", launch);
        if (launch.ownCommand()) {
            UnikernelProgram.of("Nanos", manifest, rootfs);
        }
    }

    @Override
    protected UnikernelHost<NanosToolchain> checkHost(HostNeeds needs) {
        return needQemuAndToolchain(needs, NanosToolchain.find(), "no Nanos toolchain found (looked at "
                + NanosToolchain.whereLooked() + "): build nanovms/nanos ('make kernel tools') and put kernel.img, boot.img and mkfs in one of those,"
                + " or set EDGEFAAS_NANOS");
    }

    @Override
    protected Availability describe(UnikernelHost<NanosToolchain> setup) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("toolchain", setup.toolchain().directory().toString());
        details.put("accelerator", setup.accelerator().describe());
        details.put("network", "a namespace per instance: the image's fixed address behind NAT");
        return Availability.usable(setup.accelerator().name() + "; Nanos " + setup.toolchain().version(), details);
    }

    @Override
    protected PreparedFunction prepareGuest(UnikernelHost<NanosToolchain> setup, FunctionManifest manifest) {
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(cacheRoot.resolve("rootfs")).build(manifest);
        requireLaunchNanosRuns(manifest, rootfs);
        GuestImage image = new NanosImageBuilder(cacheRoot.resolve("nanos")).build(manifest, rootfs, setup.toolchain());
        namespaces.warmUpGuestNats();
        GuestKernel kernel = new GuestKernel(setup.toolchain().kernel(), "nanos " + setup.toolchain().version(), List.of(),
                true);
        return function(manifest, new QemuVmm(setup.qemu(), setup.accelerator(), QemuGuest.nanos(setup.toolchain())), kernel,
                image);
    }
}
