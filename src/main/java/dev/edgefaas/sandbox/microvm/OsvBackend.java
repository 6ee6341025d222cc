package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestImageBuilder;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.image.OsvImageBuilder;
import dev.edgefaas.image.OsvToolchain;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.BackendScope;
import dev.edgefaas.sandbox.HostNeeds;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs each instance as an OSv unikernel on QEMU: the function's root file system becomes a
 * rofs disk (its Go entry point replaced by the PIE build beside it), and OSv boots directly
 * with the instance's address, gateway, environment and callback URL on its command line. Tap
 * networking, cgroups, readiness and cleanup are those of {@code qemu-microvm}.
 */
public final class OsvBackend extends VmBackend<VmBackend.UnikernelHost<OsvToolchain>> {
    public static final String NAME = "osv";

    public OsvBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        super(NAME, BackendScope.rootFileSystems().onlyRuntimes(Set.of(Runtime.GO),
                "Node.js would need a node built for OSv; deploy a Go function (runtime go)")
                .entryPointOnly(UNIKERNEL_LAUNCH_FIX), QEMU, cgroups, cacheRoot, namespaces);
    }

    @Override
    protected UnikernelHost<OsvToolchain> checkHost(HostNeeds needs) {
        return needQemuAndToolchain(needs, OsvToolchain.find(), "no OSv build found (looked at " + OsvToolchain.whereLooked()
                + "): build cloudius-systems/osv ('scripts/build fs=rofs') and put build/release/loader-stripped.elf"
                + " there, or set EDGEFAAS_OSV");
    }

    @Override
    protected Availability describe(UnikernelHost<OsvToolchain> setup) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("kernel", setup.toolchain().loader().toString());
        details.put("accelerator", setup.accelerator().describe());
        details.put("functions", "Go, built as PIE (function.pie beside the entry point)");
        return Availability.usable(setup.accelerator().name() + "; OSv " + setup.toolchain().version(), details);
    }

    @Override
    protected PreparedFunction prepareGuest(UnikernelHost<OsvToolchain> setup, FunctionManifest manifest) {
        Path pie = manifest.entryPoint().resolveSibling(manifest.entryPoint().getFileName() + RootfsBuilder.PIE_SUFFIX);
        if (!Files.isRegularFile(pie)) {
            throw new SandboxException("artifact: osv needs the function as a position-independent executable at " + pie
                    + " (a static Go binary hangs on OSv): CGO_ENABLED=1 go build -buildmode=pie"
                    + " -ldflags '-linkmode external'");
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
        return function(manifest, vmm, kernel, image);
    }
}
