package dev.edgefaas.sandbox.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.LaunchSpec;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.CgroupLimits;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.InstanceRequest;
import dev.edgefaas.sandbox.InstanceStart;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A function whose root file system is built; starts its containers. */
record OciFunction(FunctionManifest manifest, OciRuntime runtime, RootfsBuilder.Rootfs rootfs,
        CgroupLayout cgroups, NamespacePool namespaces) implements PreparedFunction {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int INSTANCE_PORT = 8080;
    /**
     * The container's own memory limit is one page above the instance group's, so that an
     * out-of-memory kill is counted at the instance group, which outlives the container.
     */
    private static final long CONTAINER_MEMORY_HEADROOM = 4096;

    @Override
    public SandboxInstance start(InstanceRequest request) {
        String id = request.instanceId();
        return InstanceStart.run(request, manifest, runtime.name(), start -> {
            long memoryBytes = manifest.memoryMib() * 1024L * 1024L;
            Cgroup group = start.cgroup(cgroups, new CgroupLimits(manifest.vcpus(), memoryBytes, ManifestDefaults.PIDS_MAX));
            boolean isolated = runtime.ownNetwork() && manifest.network() == FunctionManifest.Network.ISOLATED;
            InstanceNetwork network = isolated
                    ? start.take(() -> namespaces.take(request.callbackPort()), namespaces::release)
                    : null;
            String instanceAddress = network != null ? network.instanceAddress() : "127.0.0.1";
            int port = manifest.launch().portOr(network != null ? INSTANCE_PORT : LoopbackPorts.free());
            Path bundle = writeBundle(request, network, port, memoryBytes);
            request.record().put(OciBackend.RECORD_CONTAINER, id);
            request.record().put(OciBackend.RECORD_RUNTIME_ROOT, runtime.stateRoot().toString());
            Files.createDirectories(runtime.stateRoot());
            start.onFailure(() -> OciContainers.remove(runtime.binary(), runtime.stateRoot().toString(), id));
            Path output = request.scratch().resolve("output.log");
            Process process = start.spawn(new ProcessBuilder(runtime.runCommand("run", "--bundle", bundle.toString(), id)),
                    output);
            start.handOver(new OciInstance(id, runtime, process, "http://" + instanceAddress + ":" + port, output, group,
                    network, namespaces, details(network), memoryBytes));
            return start.awaitReady(manifest.readyTimeout(), manifest.launch().readiness());
        });
    }

    private Path writeBundle(InstanceRequest request, InstanceNetwork network, int port, long memoryBytes)
            throws IOException {
        String hostAddress = network != null ? network.hostAddress() : "127.0.0.1";
        String listenHost = network != null ? "0.0.0.0" : "127.0.0.1";
        String callbackUrl = request.callbackUrl(hostAddress).toString();
        List<String> env = InstanceEnvironment.lines(InstanceEnvironment.of(manifest, listenHost, "/tmp",
                request.instanceId(), port, request.callbackUrl(hostAddress)));
        List<String> argv = LaunchSpec.expand(manifest.launch().argv(rootfs.args()), callbackUrl, port, listenHost);
        String cwd = manifest.launch().workdirOr(RootfsBuilder.APP, "/");
        ContainerSpec spec = new ContainerSpec(argv, env, cwd, manifest.launch().user(), rootfs.path(), manifest.name().value(),
                network != null ? network.path() : null,
                "/" + CgroupsPaths.container(request.instanceId()),
                memoryBytes + CONTAINER_MEMORY_HEADROOM, manifest.vcpus(), ManifestDefaults.PIDS_MAX, runtime.seccomp());
        Path bundle = Files.createDirectories(request.scratch().resolve("bundle"));
        JSON.writeValue(bundle.resolve("config.json").toFile(), spec.toOci());
        return bundle;
    }

    private Map<String, String> details(InstanceNetwork network) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("runtime", runtime.name() + " (" + runtime.version() + ")");
        details.put("mode", runtime.mode());
        details.put("network", network != null
                ? "namespace " + network.name() + ", " + network.instanceAddress() + " via " + network.hostAddress()
                : "host network (loopback port)");
        details.put("rootfs", rootfs.path() + " (sha256 " + rootfs.digest().substring(0, 12) + ")");
        details.put("limits", manifest.vcpus() + " vCPU, " + manifest.memoryMib() + " MiB, " + ManifestDefaults.PIDS_MAX + " pids");
        return details;
    }

    @Override
    public void close() {
        // The root file system stays cached for the next deploy of the same version.
    }
}
