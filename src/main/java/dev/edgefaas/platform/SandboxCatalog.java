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

    /** Where kernels, root file systems and guest images are cached. */
    public static Path cacheRoot() {
        return rootfsCache().getParent();
    }

    /** Where root file systems are cached: on disk, since they hold whole runtimes (Node.js is ~100 MB). */
    static Path rootfsCache() {
        String configured = System.getProperty("edgefaas.cache.dir");
        if (configured != null) {
            return Path.of(configured, "rootfs");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? Path.of("/var/cache/edgefaas/rootfs")
                : Path.of(System.getProperty("java.io.tmpdir"), "edgefaas-cache-" + System.getProperty("user.name"), "rootfs");
    }

    private static void add(Map<String, SandboxBackend> backends, SandboxBackend backend) {
        backends.put(backend.name(), backend);
    }
}
