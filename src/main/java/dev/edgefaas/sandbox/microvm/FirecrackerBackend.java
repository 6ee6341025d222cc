package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.Executables;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestArtifacts;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.BackendScope;
import dev.edgefaas.sandbox.HostNeeds;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs each instance as a Linux microVM on Firecracker, with the same guest artifacts, network,
 * cgroups, readiness and snapshots as {@code qemu-microvm} (restored through Firecracker's
 * snapshot API). Needs the {@code firecracker} binary and a KVM that runs guests; Firecracker
 * boots only an uncompressed {@code vmlinux}, such as the one {@code edgefaas kernel build} makes.
 */
public final class FirecrackerBackend extends VmBackend<Path> {
    public static final String NAME = "firecracker";
    private static final String BINARY = "firecracker";
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    private final GuestArtifacts artifacts;

    public FirecrackerBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        super(NAME, BackendScope.rootFileSystems().isolatedOnly("firecracker only has tap devices; use \"network\": \"isolated\""),
                BINARY, cgroups, cacheRoot, namespaces);
        this.artifacts = new GuestArtifacts(cacheRoot);
    }

    /** @return the firecracker binary */
    @Override
    protected Path checkHost(HostNeeds needs) {
        Optional<Path> binary = needs.executable(BINARY, "it is in no Debian package; put the release binary from"
                + " github.com/firecracker-microvm/firecracker/releases on PATH");
        Accelerator accelerator = Accelerator.detect(Executables.find(QEMU).map(Path::toString).orElse(null));
        needs.require(accelerator.kvm(), "firecracker needs KVM, and here " + accelerator.reason());
        needRootAndCgroups(needs);
        needs.check(GuestArtifacts::checkTools);
        return binary.orElse(null);
    }

    @Override
    protected Availability describe(Path binary) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("binary", binary.toString());
        details.put("kernel", artifacts.kernels().find().map(GuestKernel::describe).orElse("none yet"));
        return Availability.usable(version(binary), details);
    }

    private static String version(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            try (InputStream out = process.getInputStream()) {
                String text = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
                process.waitFor(5, TimeUnit.SECONDS);
                return text.lines().findFirst().orElse("unknown version");
            }
        } catch (IOException e) {
            return "unknown version (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown version";
        }
    }

    @Override
    protected PreparedFunction prepareGuest(Path binary, FunctionManifest manifest) {
        GuestArtifacts.Prepared prepared = artifacts.prepare(manifest);
        requireVmlinux(prepared.kernel());
        boolean behindNat = behindNat(manifest);
        warmUpNetwork(manifest, behindNat);
        return function(manifest, new FirecrackerVmm(binary.toString(), version(binary), behindNat), prepared.kernel(),
                prepared.image());
    }

    static void requireVmlinux(GuestKernel kernel) {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(kernel.image())) {
            if (in.readNBytes(head, 0, 4) == 4 && Arrays.equals(head, ELF_MAGIC)) {
                return;
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read the guest kernel " + kernel.image() + ": " + e.getMessage(), e);
        }
        throw new SandboxException("firecracker boots only an uncompressed vmlinux (ELF), and " + kernel.describe()
                + " is not one: run 'edgefaas kernel build', or set EDGEFAAS_KERNEL to a vmlinux");
    }
}
