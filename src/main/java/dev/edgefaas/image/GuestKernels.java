package dev.edgefaas.image;

import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the guest kernel, in this order: the one the operator names ({@code EDGEFAAS_KERNEL} or
 * {@code -Dedgefaas.kernel}: a path, or {@code minimal} / {@code debian-cloud}), else the
 * minimal kernel {@code edgefaas kernel build} cached, else Debian's cloud kernel, fetched on
 * first use.
 */
public final class GuestKernels {
    /** The modules Debian's cloud kernel needs for virtio-mmio disk, network and entropy, in dependency order. */
    static final List<String> DEBIAN_MODULES = List.of(
            "kernel/drivers/virtio/virtio_ring.ko",
            "kernel/drivers/virtio/virtio.ko",
            "kernel/drivers/virtio/virtio_mmio.ko",
            "kernel/drivers/block/virtio_blk.ko",
            "kernel/net/core/failover.ko",
            "kernel/drivers/net/net_failover.ko",
            "kernel/drivers/net/virtio_net.ko",
            "kernel/drivers/char/hw_random/virtio-rng.ko");

    private final Path kernelCache;

    /** @param kernelCache where kernels are cached, e.g. {@code /var/cache/edgefaas/kernel} */
    public GuestKernels(Path kernelCache) {
        this.kernelCache = kernelCache;
    }

    public Path cache() {
        return kernelCache;
    }

    /** The operator's choice, if any: a path or a kind. */
    static Optional<String> configured() {
        String value = System.getProperty("edgefaas.kernel", System.getenv("EDGEFAAS_KERNEL"));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * Kernel arguments the operator adds to every guest's command line ({@code EDGEFAAS_KERNEL_ARGS}
     * or {@code -Dedgefaas.kernel.args}), e.g. {@code loglevel=7} to see a boot in full.
     */
    public static List<String> extraArguments() {
        String value = System.getProperty("edgefaas.kernel.args", System.getenv("EDGEFAAS_KERNEL_ARGS"));
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    /** The kernel to use now, without fetching anything. */
    public Optional<GuestKernel> find() {
        Optional<String> configured = configured();
        if (configured.isPresent()) {
            return switch (configured.get()) {
                case "minimal" -> minimal();
                case "debian-cloud" -> debianCloud();
                default -> Optional.of(user(Path.of(configured.get())));
            };
        }
        return minimal().or(this::debianCloud);
    }

    /** The kernel to use, fetching Debian's cloud kernel if none is there. */
    public GuestKernel findOrFetch() {
        Optional<GuestKernel> found = find();
        if (found.isPresent()) {
            return found.get();
        }
        if (configured().filter(kind -> !kind.equals("debian-cloud")).isPresent()) {
            throw new SandboxException("no guest kernel '" + configured().get() + "': " + whereLooked()
                    + "; build the minimal one with 'edgefaas kernel build'");
        }
        new DebianCloudKernel(debianDirectory()).fetch();
        return debianCloud().orElseThrow(() -> new SandboxException(
                "Debian's cloud kernel was fetched but no vmlinuz is in " + debianDirectory().resolve("boot")));
    }

    /** Where {@link #find} looks, for {@code doctor} and error messages. */
    public String whereLooked() {
        return "EDGEFAAS_KERNEL=" + configured().orElse("(unset)") + ", " + MinimalKernel.output(kernelCache)
                + ", " + debianDirectory().resolve("boot/vmlinuz-*");
    }

    private GuestKernel user(Path image) {
        if (!Files.isRegularFile(image)) {
            throw new SandboxException("EDGEFAAS_KERNEL=" + image + " is not a file: give a vmlinux or bzImage,"
                    + " or 'minimal' or 'debian-cloud'");
        }
        // An operator's kernel is assumed to have virtio and ip= built in, and ACPI, like most.
        return new GuestKernel(image, "user", List.of(), true);
    }

    private Optional<GuestKernel> minimal() {
        Path image = MinimalKernel.output(kernelCache);
        return Files.isRegularFile(image)
                ? Optional.of(new GuestKernel(image, "minimal", List.of(), false))
                : Optional.empty();
    }

    private Path debianDirectory() {
        return kernelCache.resolve("debian-cloud");
    }

    private Optional<GuestKernel> debianCloud() {
        Path boot = debianDirectory().resolve("boot");
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(boot)) {
            Optional<Path> image = files.filter(f -> f.getFileName().toString().startsWith("vmlinuz-")).sorted().findFirst();
            if (image.isEmpty()) {
                return Optional.empty();
            }
            String version = image.get().getFileName().toString().substring("vmlinuz-".length());
            Path moduleRoot = debianDirectory().resolve("lib/modules").resolve(version);
            List<Path> modules = new ArrayList<>();
            for (String module : DEBIAN_MODULES) {
                Path path = moduleRoot.resolve(module);
                if (!Files.isRegularFile(path)) {
                    throw new SandboxException("Debian's cloud kernel in " + debianDirectory() + " lacks " + module
                            + ": remove that directory to fetch it again");
                }
                modules.add(path);
            }
            return Optional.of(new GuestKernel(image.get(), "debian-cloud", modules, true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
