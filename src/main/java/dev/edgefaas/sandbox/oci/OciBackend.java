package dev.edgefaas.sandbox.oci;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs each instance as an OCI container through a runtime's CLI, with no container engine in
 * between: runc, crun or runsc, the runtime being a value. Root file systems are built once per
 * function version and shared read-only; each container gets its own network namespace from a
 * pool of ready ones (runsc: the host's network), and a cgroup named after the instance.
 */
public final class OciBackend implements SandboxBackend {
    static final String RECORD_CONTAINER = "container";
    static final String RECORD_RUNTIME_ROOT = "runtime-root";
    static final String RECORD_CGROUP = "cgroup";
    static final String RECORD_PID = "pid";

    private final String runtimeName;
    private final CgroupLayout cgroups;
    private final Path cacheDirectory;
    private final NamespacePool namespaces;
    /** Detections by runtime, shared by every backend of this JVM: the host does not change under it. */
    private static final Map<String, Object> DETECTED = new ConcurrentHashMap<>();

    /**
     * @param namespaces the shared pool of network namespaces; null where the backend only probes ({@code doctor})
     */
    public OciBackend(String runtimeName, CgroupLayout cgroups, Path cacheDirectory, NamespacePool namespaces) {
        this.runtimeName = runtimeName;
        this.cgroups = cgroups;
        this.cacheDirectory = cacheDirectory;
        this.namespaces = namespaces;
    }

    @Override
    public String name() {
        return runtimeName;
    }

    /** Probes once per JVM and remembers: a runsc platform probe takes seconds. */
    private OciRuntime runtime() {
        Object result = DETECTED.computeIfAbsent(runtimeName, name -> {
            try {
                checkHost();
                return OciRuntime.detect(name, cgroups);
            } catch (SandboxException e) {
                return e;
            }
        });
        if (result instanceof SandboxException e) {
            throw new SandboxException(e.getMessage(), e);
        }
        return (OciRuntime) result;
    }

    private void checkHost() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new SandboxException("containers need root here (no rootless setup): run edgefaas as root");
        }
        if (!cgroups.writable()) {
            throw new SandboxException("cgroups are not writable (" + cgroups.describe() + "): run as root on Linux");
        }
    }

    @Override
    public Availability probe() {
        try {
            OciRuntime runtime = runtime();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("version", runtime.version());
            details.put("binary", runtime.binary().toString());
            details.put("mode", runtime.mode());
            details.put("network", runtime.ownNetwork() ? "a network namespace per instance, /30 link" : "host network, a port per instance");
            details.put("seccomp", runtime.seccomp() ? "deny list" : "gVisor's own syscall filtering");
            return Availability.usable(runtime.version() + "; " + runtime.mode(), details);
        } catch (SandboxException e) {
            return Availability.unusable(e.getMessage());
        }
    }

    @Override
    public PreparedFunction prepare(FunctionManifest manifest) {
        if (manifest.runtime() == Runtime.BINARY) {
            throw new SandboxException("runtime binary runs only in the process sandbox; build the function as a"
                    + " static Go binary (runtime go) or a Node.js script (runtime node)");
        }
        OciRuntime runtime = runtime();
        if (runtime.ownNetwork() && namespaces == null) {
            throw new SandboxException(runtimeName + " needs the platform's network namespace pool");
        }
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(cacheDirectory).build(manifest);
        if (runtime.ownNetwork() && manifest.network() == FunctionManifest.Network.ISOLATED) {
            namespaces.warmUp();
        }
        return new OciFunction(manifest, runtime, rootfs, cgroups, namespaces);
    }

    @Override
    public void reap(InstanceRecord record) {
        record.get(RECORD_CONTAINER).ifPresent(container -> {
            String root = record.get(RECORD_RUNTIME_ROOT).orElse(OciRuntime.stateRoot(runtimeName).toString());
            OciRuntime.onPath(runtimeName).ifPresent(binary -> OciContainers.remove(binary, root, container));
        });
        record.get(RECORD_PID).ifPresent(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
        record.get(RECORD_CGROUP).ifPresent(name -> {
            if (cgroups.writable()) {
                Cgroups.removeLeftover(cgroups, name);
                Cgroups.removeEverywhere(name);
            }
        });
    }

    /** The runtimes this backend can be. */
    public static List<String> runtimes() {
        return List.of("runc", "crun", "runsc");
    }
}
