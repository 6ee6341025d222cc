package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestImageBuilder;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.image.OsvImageBuilder;
import dev.edgefaas.image.OsvToolchain;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs each instance as an OSv unikernel on QEMU: the function's root file system becomes a
 * rofs disk (its Go entry point replaced by the PIE build beside it), and OSv boots directly
 * with the instance's address, gateway, environment and callback URL on its command line. Tap
 * networking, cgroups, readiness and cleanup are those of {@code qemu-microvm}.
 */
public final class OsvBackend implements SandboxBackend {
    public static final String NAME = "osv";

    private final CgroupLayout cgroups;
    private final Path cacheRoot;
    private final NamespacePool namespaces;

    public OsvBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        this.cgroups = cgroups;
        this.cacheRoot = cacheRoot;
        this.namespaces = namespaces;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean runs(Runtime runtime) {
        return runtime == Runtime.GO;
    }

    private record Setup(String qemu, OsvToolchain toolchain, Accelerator accelerator) {
    }

    private Setup checkHost() {
        OsvToolchain toolchain = OsvToolchain.find().orElseThrow(() -> new SandboxException(
                "no OSv build found (looked at " + OsvToolchain.whereLooked() + "): build cloudius-systems/osv"
                        + " ('scripts/build fs=rofs') and put build/release/loader-stripped.elf there, or set EDGEFAAS_OSV"));
        String qemu = VmHost.requireQemuAsRoot(cgroups);
        return new Setup(qemu, toolchain, Accelerator.detect(qemu));
    }

    @Override
    public Availability probe() {
        try {
            Setup setup = checkHost();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("kernel", setup.toolchain().loader().toString());
            details.put("accelerator", setup.accelerator().name() + ": " + setup.accelerator().reason());
            details.put("functions", "Go, built as PIE (function.pie beside the entry point)");
            return Availability.usable(setup.accelerator().name() + "; OSv " + setup.toolchain().version(), details);
        } catch (SandboxException e) {
            return Availability.unusable(e.getMessage());
        }
    }

    @Override
    public PreparedFunction prepare(FunctionManifest manifest) {
        Setup setup = checkHost();
        if (!runs(manifest.runtime())) {
            throw new SandboxException("runtime: osv runs Go functions here; Node.js would need a node built for OSv");
        }
        Path pie = manifest.entryPoint().resolveSibling(manifest.entryPoint().getFileName() + RootfsBuilder.PIE_SUFFIX);
        if (!Files.isRegularFile(pie)) {
            throw new SandboxException("artifact: osv needs the function as a position-independent executable at " + pie
                    + " (a static Go binary hangs on OSv): CGO_ENABLED=1 go build -buildmode=pie"
                    + " -ldflags '-linkmode external'");
        }
        if (namespaces == null) {
            throw new SandboxException(NAME + " needs the platform's network pool");
        }
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(cacheRoot.resolve("rootfs")).build(manifest);
        GuestImage image = new OsvImageBuilder(cacheRoot.resolve("osv")).build(manifest, rootfs, pie, setup.toolchain());
        GuestKernel kernel = new GuestKernel(setup.toolchain().loader(), "osv " + setup.toolchain().version(), List.of(),
                true);
        if (manifest.network() == FunctionManifest.Network.ISOLATED) {
            namespaces.warmUpTaps();
        }
        QemuVmm vmm = new QemuVmm(setup.qemu(), setup.accelerator(), QemuGuest.osv(setup.toolchain(),
                GuestImageBuilder.environment(manifest), rootfs.args()));
        return new MicrovmFunction(manifest, vmm, kernel, image, cgroups, namespaces);
    }

    @Override
    public void reap(InstanceRecord record) {
        MicrovmRecords.reap(record, cgroups, VmHost.QEMU);
    }
}
