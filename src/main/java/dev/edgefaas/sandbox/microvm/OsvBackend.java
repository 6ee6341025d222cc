package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.LaunchSpec;
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
import java.util.Optional;
import java.util.Set;

/**
 * Runs each instance as an OSv unikernel on QEMU: the function's root file system becomes a
 * rofs disk (a Go function's entry point replaced by the PIE build beside it; an image's or a
 * manifest's own program as it is, if it is a dynamically linked PIE), and OSv boots directly
 * with the instance's address, gateway, environment, working directory and program (its
 * placeholders filled in) on its command line. Tap networking, cgroups, readiness and cleanup
 * are those of {@code qemu-microvm}.
 */
public final class OsvBackend extends VmBackend<VmBackend.UnikernelHost<OsvToolchain>> {
    public static final String NAME = "osv";
    private static final String STATIC_HANGS = "a static Go binary hangs on OSv";
    private static final String PIE_BUILD = "CGO_ENABLED=1 go build -buildmode=pie -ldflags '-linkmode external'";

    public OsvBackend(CgroupLayout cgroups, Path cacheRoot, NamespacePool namespaces) {
        super(NAME, BackendScope.rootFileSystems().onlyRuntimes(Set.of(Runtime.GO, Runtime.IMAGE),
                "Node.js would need a node built for OSv; deploy a Go function (runtime go) or an image whose entry"
                        + " point is a PIE"), QEMU, cgroups, cacheRoot, namespaces);
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
        LaunchSpec launch = manifest.launch();
        UnikernelProgram.requireNoUser("OSv", launch);
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(cacheRoot.resolve("rootfs")).build(manifest);
        OsvImageBuilder builder = new OsvImageBuilder(cacheRoot.resolve("osv"));
        GuestImage image;
        List<String> program;
        if (launch.ownCommand()) {
            requirePie(UnikernelProgram.of("OSv", manifest, rootfs));
            image = builder.build(manifest, rootfs, Optional.empty(), setup.toolchain());
            program = launch.argv(List.of());
        } else {
            image = builder.build(manifest, rootfs, Optional.of(goPie(manifest)), setup.toolchain());
            program = launch.argv(rootfs.args());
        }
        GuestKernel kernel = new GuestKernel(setup.toolchain().loader(), "osv " + setup.toolchain().version(), List.of(),
                true);
        boolean behindNat = behindNat(manifest);
        warmUpNetwork(manifest, behindNat);
        QemuVmm vmm = new QemuVmm(setup.qemu(), setup.accelerator(), QemuGuest.osv(setup.toolchain(),
                GuestImageBuilder.environment(manifest), launch.workdir(), program, behindNat));
        return function(manifest, vmm, kernel, image);
    }

    /** A Go function's PIE build, which OSv runs in place of its static entry point. */
    private static Path goPie(FunctionManifest manifest) {
        Path pie = manifest.entryPoint().resolveSibling(manifest.entryPoint().getFileName() + RootfsBuilder.PIE_SUFFIX);
        if (!Files.isRegularFile(pie)) {
            throw new SandboxException("artifact: osv needs the function as a position-independent executable at " + pie
                    + " (" + STATIC_HANGS + "): " + PIE_BUILD);
        }
        return pie;
    }

    /** OSv loads a program with its own dynamic linker and libc: a PIE that names an interpreter. */
    private static void requirePie(UnikernelProgram program) {
        if (!program.elf().dynamicallyLinked()) {
            throw new SandboxException("command: " + program.path() + " is statically linked, and OSv runs only"
                    + " dynamically linked position-independent executables (" + STATIC_HANGS + "); build it as a PIE ("
                    + PIE_BUILD + "), or " + UnikernelProgram.LAUNCH_FIX);
        }
        if (!program.elf().positionIndependent()) {
            throw new SandboxException("command: " + program.path() + " is not position-independent, and OSv runs only"
                    + " position-independent executables; link it with -pie, or " + UnikernelProgram.LAUNCH_FIX);
        }
    }
}
