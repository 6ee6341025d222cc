package dev.edgefaas.platform;

import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.microvm.FirecrackerBackend;
import dev.edgefaas.sandbox.microvm.NanosBackend;
import dev.edgefaas.sandbox.microvm.OsvBackend;
import dev.edgefaas.sandbox.microvm.QemuMicrovmBackend;
import dev.edgefaas.sandbox.oci.OciBackend;
import dev.edgefaas.sandbox.process.ProcessBackend;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every sandbox backend this build knows, in the order {@code doctor} lists them. The only place that names them. */
public final class SandboxCatalog {
    private SandboxCatalog() {
    }

    /** The backends for probing only ({@code doctor}): nothing is created on the host. */
    public static Map<String, SandboxBackend> probeOnly() {
        return detect(CgroupLayout.detect(), null);
    }

    /**
     * The backends of a running platform.
     *
     * @param namespaces the pool container backends take network namespaces from
     */
    public static Map<String, SandboxBackend> detect(CgroupLayout cgroups, NamespacePool namespaces) {
        Map<String, SandboxBackend> backends = new LinkedHashMap<>();
        add(backends, new ProcessBackend(cgroups));
        for (String runtime : OciBackend.runtimes()) {
            add(backends, new OciBackend(runtime, cgroups, rootfsCache(), namespaces));
        }
        add(backends, new QemuMicrovmBackend(cgroups, cacheRoot(), namespaces));
        add(backends, new FirecrackerBackend(cgroups, cacheRoot(), namespaces));
        add(backends, new NanosBackend(cgroups, cacheRoot(), namespaces));
        add(backends, new OsvBackend(cgroups, cacheRoot(), namespaces));
        return backends;
    }

    /**
     * Where kernels, root file systems and guest images are cached, for every command (serve,
     * bench, kernel): {@code EDGEFAAS_CACHE_DIR} (or {@code -Dedgefaas.cache.dir}) if set, else
     * {@code /var/cache/edgefaas} as root, else a directory of the user's below the temporary one.
     * On disk, since root file systems hold whole runtimes (Node.js is ~100 MB).
     */
    public static Path cacheRoot() {
        String configured = System.getProperty("edgefaas.cache.dir", System.getenv("EDGEFAAS_CACHE_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? Path.of("/var/cache/edgefaas")
                : Path.of(System.getProperty("java.io.tmpdir"), "edgefaas-cache-" + System.getProperty("user.name"));
    }

    /** Where root file systems are cached. */
    static Path rootfsCache() {
        return cacheRoot().resolve("rootfs");
    }

    private static void add(Map<String, SandboxBackend> backends, SandboxBackend backend) {
        backends.put(backend.name(), backend);
    }
}
