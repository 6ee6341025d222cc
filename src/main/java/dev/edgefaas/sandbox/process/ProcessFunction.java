package dev.edgefaas.sandbox.process;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.ProcessIdentity;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.CgroupLimits;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.InstanceRequest;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A function ready to run as host processes: its command line is resolved once. */
final class ProcessFunction implements PreparedFunction {
    private static final String LOOPBACK = "127.0.0.1";
    private static final String SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";

    private final FunctionManifest manifest;
    private final LaunchCommand command;
    private final Optional<CgroupLayout> cgroups;

    ProcessFunction(FunctionManifest manifest, LaunchCommand command, Optional<CgroupLayout> cgroups) {
        this.manifest = manifest;
        this.command = command;
        this.cgroups = cgroups;
    }

    @Override
    public SandboxInstance start(InstanceRequest request) {
        String id = request.instanceId();
        Path output = request.scratch().resolve("output.log");
        int port = LoopbackPorts.free();
        Cgroup cgroup = createCgroup(request);
        ProcessBuilder builder = new ProcessBuilder(command.joiningCgroups(cgroup == null ? List.of() : cgroup.procsFiles()))
                .directory(request.scratch().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        environment(builder.environment(), request, port);
        request.phases().mark("prepare");

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            closeQuietly(cgroup);
            throw new SandboxException("cannot start instance " + id + " of " + manifest.name() + ": " + e.getMessage(), e);
        }
        request.record().put(ProcessBackend.RECORD_PID, Long.toString(process.pid()));
        request.record().put(ProcessBackend.RECORD_PID_STARTED, ProcessIdentity.startedOf(process.toHandle()).orElse(""));
        request.phases().mark("spawn");

        ProcessInstance instance = new ProcessInstance(id, process, port, output, cgroup, details(cgroup));
        instance.onExit(request.readiness()::signalExited);
        instance.awaitReady(request, manifest.readyTimeout(), "instance " + id + " of function " + manifest.name(),
                " (it must listen on $PORT, then GET $EDGEFAAS_CALLBACK_URL)");
        return instance;
    }

    private Cgroup createCgroup(InstanceRequest request) {
        if (cgroups.isEmpty()) {
            return null;
        }
        request.record().put(ProcessBackend.RECORD_CGROUP, request.instanceId());
        CgroupLimits limits = new CgroupLimits(manifest.vcpus(), manifest.memoryMib() * 1024L * 1024L,
                ManifestDefaults.PIDS_MAX);
        return Cgroup.create(cgroups.get(), request.instanceId(), limits);
    }

    private void environment(Map<String, String> env, InstanceRequest request, int port) {
        // The instance sees only what the platform gives it, never the gateway's own environment.
        env.clear();
        env.put("PATH", SAFE_PATH);
        env.put("HOME", request.scratch().toString());
        env.put("TMPDIR", request.scratch().toString());
        env.putAll(InstanceEnvironment.ofVersion(manifest, LOOPBACK));
        env.putAll(InstanceEnvironment.ofInstance(request.instanceId(), port, request.callbackUrl(LOOPBACK)));
    }

    private Map<String, String> details(Cgroup cgroup) {
        return Map.of(
                "network", "host loopback",
                "limits", cgroup == null
                        ? "none (cgroups not writable)"
                        : manifest.vcpus() + " vCPU, " + manifest.memoryMib() + " MiB, " + ManifestDefaults.PIDS_MAX
                          + " pids, " + cgroups.orElseThrow().describe());
    }

    private static void closeQuietly(Cgroup cgroup) {
        if (cgroup != null) {
            cgroup.close();
        }
    }

    @Override
    public void close() {
        // Nothing was built for a host process.
    }

}
