package dev.edgefaas.image;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.Executables;
import dev.edgefaas.image.BuildOutput;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every microVM sandbox builds for a function version, whatever its VMM: the kernel, and
 * the guest image made from the same root file system as the OCI bundle.
 */
public final class GuestArtifacts {
    private final Path cacheRoot;
    private final GuestKernels kernels;

    public GuestArtifacts(Path cacheRoot) {
        this.cacheRoot = cacheRoot;
        this.kernels = new GuestKernels(cacheRoot.resolve("kernel"));
    }

    public GuestKernels kernels() {
        return kernels;
    }

    /** The kernel and the image of {@code manifest}; slow the first time, cached after. */
    public Prepared prepare(FunctionManifest manifest) {
        GuestKernel kernel = kernels.findOrFetch();
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(cacheRoot.resolve("rootfs")).build(manifest);
        GuestImage image = new GuestImageBuilder(cacheRoot.resolve("guest")).build(manifest, rootfs, kernel, guestInit());
        return new Prepared(kernel, image);
    }

    public record Prepared(GuestKernel kernel, GuestImage image) {
    }

    /** The guest's PID 1, built with the sample functions. */
    static Path guestInit() {
        return BuildOutput.functionsDirectory().resolve("guest").resolve("init");
    }

    /** Fails, saying how to fix it, unless the host has what building guests takes. */
    public static void checkTools() {
        if (Executables.find("mke2fs").isEmpty()) {
            throw new SandboxException("mke2fs is not installed: apt-get install -y e2fsprogs");
        }
        if (!Files.isRegularFile(guestInit())) {
            throw new SandboxException("the guest init is not built (" + guestInit() + "): build the project with"
                    + " ./mvnw package, which builds functions/");
        }
    }
}
