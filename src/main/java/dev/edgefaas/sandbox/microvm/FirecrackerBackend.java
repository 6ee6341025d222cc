package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.Executables;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestArtifacts;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs each instance as a Linux microVM on Firecracker, with the same guest artifacts, tap
 * devices, cgroups and readiness as {@code qemu-microvm}. Needs the {@code firecracker} binary
 * and a KVM that runs guests; Firecracker boots only an uncompressed {@code vmlinux}, such as
 * the one {@code edgefaas kernel build} makes.
 */
public final class FirecrackerBackend implements SandboxBackend {
    public static final String NAME = "firecracker";
    private static final String BINARY = "firecracker";
    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    private final CgroupLayout cgroups;
    private final NamespacePool namespaces;
    private final GuestArtifacts artifacts;

    public FirecrackerBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        this.cgroups = cgroups;
        this.namespaces = namespaces;
        this.artifacts = new GuestArtifacts(cacheRoot);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability probe() {
        try {
            Path binary = checkHost();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("binary", binary.toString());
            details.put("kernel", artifacts.kernels().find().map(GuestKernel::describe).orElse("none yet"));
            return Availability.usable(version(binary), details);
        } catch (SandboxException e) {
            return Availability.unusable(e.getMessage());
        }
    }

    /** Every reason it cannot run here at once, so that an operator fixes them in one go. */
    private Path checkHost() {
        List<String> reasons = new ArrayList<>();
        Optional<Path> binary = Executables.find(BINARY);
        if (binary.isEmpty()) {
            reasons.add("firecracker is not installed (not on PATH): it is in no Debian package; put the release"
                    + " binary from github.com/firecracker-microvm/firecracker/releases on PATH");
        }
        Accelerator accelerator = Accelerator.detect(Executables.find(VmHost.QEMU).map(Path::toString).orElse(null));
        if (!accelerator.kvm()) {
            reasons.add("it needs KVM, and here " + accelerator.reason());
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            reasons.add("microVMs need root here (tap devices, cgroups): run edgefaas as root");
        }
        if (!reasons.isEmpty()) {
            throw new SandboxException(String.join("; ", reasons));
        }
        GuestArtifacts.checkTools();
        return binary.orElseThrow();
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
    public PreparedFunction prepare(FunctionManifest manifest) {
        Path binary = checkHost();
        if (namespaces == null) {
            throw new SandboxException(NAME + " needs the platform's network pool");
        }
        if (manifest.network() == FunctionManifest.Network.HOST) {
            throw new SandboxException("network: firecracker has no host network mode (it only has tap devices);"
                    + " use \"network\": \"isolated\"");
        }
        GuestArtifacts.Prepared prepared = artifacts.prepare(manifest);
        requireVmlinux(prepared.kernel());
        namespaces.warmUpTaps();
        return new MicrovmFunction(manifest, new FirecrackerVmm(binary.toString(), version(binary)), prepared.kernel(),
                prepared.image(), cgroups, namespaces);
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

    @Override
    public void reap(InstanceRecord record) {
        MicrovmRecords.reap(record, cgroups, BINARY);
    }
}
