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
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

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
                    + launch.port() + "; make the app listen on $PORT, or " + UNIKERNEL_LAUNCH_FIX);
        }
        if (!launch.user().isEmpty()) {
            throw new SandboxException("user: a Nanos program runs as the unikernel's only user; drop it, or "
                    + UNIKERNEL_LAUNCH_FIX);
        }
        if (!launch.ownCommand()) {
            return;
        }
        String program = launch.command().getFirst();
        String notElf = "command: Nanos runs an ELF binary given by its absolute path, and " + program
                + " is not one (a script, or a name to look up on PATH); " + UNIKERNEL_LAUNCH_FIX;
        if (!program.startsWith("/")) {
            throw new SandboxException(notElf);
        }
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(rootfs.path().resolve(program.substring(1)))) {
            if (in.readNBytes(head, 0, 4) != 4 || !Arrays.equals(head, ELF_MAGIC)) {
                throw new SandboxException(notElf);
            }
        } catch (IOException e) {
            throw new SandboxException("command: " + program + " is not in the function's root file system; give the"
                    + " program's absolute path inside it");
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
