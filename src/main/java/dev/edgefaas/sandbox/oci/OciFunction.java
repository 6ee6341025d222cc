package dev.edgefaas.sandbox.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgefaas.function.FunctionManifest;
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
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A function whose root file system is built; starts its containers. */
final class OciFunction implements PreparedFunction {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int INSTANCE_PORT = 8080;
    /**
     * The container's own memory limit is one page above the instance group's, so that an
     * out-of-memory kill is counted at the instance group, which outlives the container.
     */
    private static final long CONTAINER_MEMORY_HEADROOM = 4096;

    private final FunctionManifest manifest;
    private final OciRuntime runtime;
    private final RootfsBuilder.Rootfs rootfs;
    private final CgroupLayout cgroups;
    private final NamespacePool namespaces;

    OciFunction(FunctionManifest manifest, OciRuntime runtime, RootfsBuilder.Rootfs rootfs, CgroupLayout cgroups,
                NamespacePool namespaces) {
        this.manifest = manifest;
        this.runtime = runtime;
        this.rootfs = rootfs;
        this.cgroups = cgroups;
        this.namespaces = namespaces;
    }

    @Override
    public SandboxInstance start(InstanceRequest request) {
        String id = request.instanceId();
        long memoryBytes = manifest.memoryMib() * 1024L * 1024L;
        request.record().put(OciBackend.RECORD_CGROUP, id);
        Cgroup group = Cgroup.create(cgroups, id, new CgroupLimits(manifest.vcpus(), memoryBytes, ManifestDefaults.PIDS_MAX));
        InstanceNetwork network = null;
        OciInstance instance = null;
        try {
            boolean isolated = runtime.ownNetwork() && manifest.network() == FunctionManifest.Network.ISOLATED;
            network = isolated ? namespaces.take(request.callbackPort()) : null;
            String hostAddress = network != null ? network.hostAddress() : "127.0.0.1";
            String instanceAddress = network != null ? network.instanceAddress() : "127.0.0.1";
            int port = network != null ? INSTANCE_PORT : LoopbackPorts.free();
            Path bundle = writeBundle(request, network, hostAddress, port, memoryBytes);
            Path output = request.scratch().resolve("output.log");
            request.record().put(OciBackend.RECORD_CONTAINER, id);
            request.record().put(OciBackend.RECORD_RUNTIME_ROOT, runtime.stateRoot().toString());
            request.phases().mark("prepare");

            Files.createDirectories(runtime.stateRoot());
            Process process = new ProcessBuilder(runtime.runCommand(runArguments(bundle, id)))
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            request.record().put(OciBackend.RECORD_PID, Long.toString(process.pid()));
            request.phases().mark("spawn");
            instance = new OciInstance(id, runtime, process, "http://" + instanceAddress + ":" + port, output, group,
                    network, namespaces, details(network), memoryBytes);
            instance.onExit(request.readiness()::signalExited);
            instance.awaitReady(request, manifest.readyTimeout(),
                    "instance " + id + " of function " + manifest.name() + " in " + runtime.name(), "");
            return instance;
        } catch (IOException | RuntimeException e) {
            if (instance != null) {
                instance.close();
            } else {
                if (network != null) {
                    namespaces.release(network);
                }
                group.close();
            }
            if (e instanceof SandboxException sandbox) {
                throw sandbox;
            }
            throw new SandboxException("cannot start instance " + id + " of " + manifest.name() + " in " + runtime.name()
                    + ": " + e.getMessage(), e);
        }
    }

    private String[] runArguments(Path bundle, String id) {
        List<String> arguments = new ArrayList<>(List.of("run", "--bundle", bundle.toString()));
        arguments.add(id);
        return arguments.toArray(String[]::new);
    }

    private Path writeBundle(InstanceRequest request, InstanceNetwork network, String hostAddress, int port,
                             long memoryBytes) throws IOException {
        List<String> env = new ArrayList<>(List.of("PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp"));
        env.addAll(InstanceEnvironment.lines(InstanceEnvironment.ofVersion(manifest, network != null ? "0.0.0.0" : "127.0.0.1")));
        env.addAll(InstanceEnvironment.lines(InstanceEnvironment.ofInstance(request.instanceId(), port,
                request.callbackUrl(hostAddress))));
        ContainerSpec spec = new ContainerSpec(rootfs.args(), env, rootfs.path(), manifest.name().value(),
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
