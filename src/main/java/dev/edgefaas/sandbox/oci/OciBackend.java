package dev.edgefaas.sandbox.oci;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.BackendScope;
import dev.edgefaas.sandbox.DeclaredBackend;
import dev.edgefaas.sandbox.HostNeeds;
import dev.edgefaas.sandbox.InstanceStart;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.ReferenceRun;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs each instance as an OCI container through a runtime's CLI, with no container engine in
 * between: runc, crun or runsc, the runtime being a value. Root file systems are built once per
 * function version and shared read-only; each container gets its own network namespace from a
 * pool of ready ones (runsc: the host's network), and a cgroup named after the instance.
 */
public final class OciBackend extends DeclaredBackend<OciRuntime> {
    static final String RECORD_CONTAINER = "container";
    static final String RECORD_RUNTIME_ROOT = "runtime-root";

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
        super(runtimeName, BackendScope.rootFileSystems());
        this.runtimeName = runtimeName;
        this.cgroups = cgroups;
        this.cacheDirectory = cacheDirectory;
        this.namespaces = namespaces;
    }

    @Override
    protected OciRuntime checkHost(HostNeeds needs) {
        needs.root("containers need root here (no rootless set-up)");
        needs.writableCgroups(cgroups);
        return needs.met() ? needs.check(this::detectOnce).orElse(null) : null;
    }

    /** Detects once per JVM and remembers, failures too: a runsc platform probe takes seconds. */
    private OciRuntime detectOnce() {
        Object result = DETECTED.computeIfAbsent(runtimeName, name -> {
            try {
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

    @Override
    protected Availability describe(OciRuntime runtime) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("version", runtime.version());
        details.put("binary", runtime.binary().toString());
        details.put("mode", runtime.mode());
        details.put("network", runtime.ownNetwork() ? "a network namespace per instance, /30 link" : "host network, a port per instance");
        details.put("seccomp", runtime.seccomp() ? "deny list" : "gVisor's own syscall filtering");
        return Availability.usable(runtime.version() + "; " + runtime.mode(), details);
    }

    @Override
    protected PreparedFunction prepareOn(OciRuntime runtime, FunctionManifest manifest) {
        if (runtime.ownNetwork() && namespaces == null) {
            throw new SandboxException(runtimeName + " needs the platform's network namespace pool");
        }
        if (!runtime.ownNetwork() || manifest.network() == FunctionManifest.Network.HOST) {
            requireOneInstancePerFixedPort(runtimeName, manifest);
        }
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(cacheDirectory).build(manifest);
        if (runtime.ownNetwork() && manifest.network() == FunctionManifest.Network.ISOLATED) {
            namespaces.warmUp();
        }
        return new OciFunction(manifest, runtime, rootfs, cgroups, namespaces);
    }

    /** The runtime's CLI alone on the same root file system and configuration, timed to the first answer. */
    @Override
    public Optional<ReferenceRun> referenceRun(FunctionManifest manifest) {
        OciRuntime runtime = detectOnce();
        if (namespaces == null) {
            throw new SandboxException(runtimeName + ": the raw runtime baseline needs the platform's network namespace pool");
        }
        return Optional.of(new RawContainerRun(runtime, manifest, new RootfsBuilder(cacheDirectory).build(manifest),
                namespaces));
    }

    @Override
    public void reap(InstanceRecord record) {
        record.get(RECORD_CONTAINER).ifPresent(container -> {
            String root = record.get(RECORD_RUNTIME_ROOT).orElse(OciRuntime.stateRoot(runtimeName).toString());
            OciRuntime.onPath(runtimeName).ifPresent(binary -> OciContainers.remove(binary, root, container));
        });
        record.get(InstanceStart.RECORD_PID).ifPresent(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
        record.get(InstanceStart.RECORD_CGROUP).ifPresent(name -> {
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
