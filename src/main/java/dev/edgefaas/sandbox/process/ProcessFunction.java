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
import dev.edgefaas.sandbox.InstanceStart;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxInstance;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A function ready to run as host processes: its command line is resolved once. */
record ProcessFunction(FunctionManifest manifest, LaunchCommand command, Optional<CgroupLayout> cgroups) implements PreparedFunction {
    private static final String LOOPBACK = "127.0.0.1";

    @Override
    public SandboxInstance start(InstanceRequest request) {
        String id = request.instanceId();
        return InstanceStart.run(request, manifest, ProcessBackend.NAME, start -> {
            int port = manifest.launch().portOr(LoopbackPorts.free());
            CgroupLimits limits = new CgroupLimits(manifest.vcpus(), manifest.memoryMib() * 1024L * 1024L,
                    ManifestDefaults.PIDS_MAX);
            Cgroup cgroup = cgroups.map(layout -> start.cgroup(layout, limits)).orElse(null);
            String callbackUrl = request.callbackUrl(LOOPBACK).toString();
            ProcessBuilder builder = new ProcessBuilder(command.forInstance(cgroup == null ? List.of() : cgroup.procsFiles(),
                    callbackUrl, port, LOOPBACK))
                    .directory(command.workingDirectory().orElse(request.scratch()).toFile());
            // The instance sees only what the platform gives it, never the gateway's own environment.
            builder.environment().clear();
            builder.environment().putAll(InstanceEnvironment.of(manifest, LOOPBACK, request.scratch().toString(), id, port,
                    request.callbackUrl(LOOPBACK)));
            Path output = request.scratch().resolve("output.log");
            Process process = start.spawn(builder, output);
            request.record().put(ProcessBackend.RECORD_PID_STARTED, ProcessIdentity.startedOf(process.toHandle()).orElse(""));
            start.handOver(new ProcessInstance(id, process, port, output, cgroup, details(cgroup)));
            return start.awaitReady(manifest.readyTimeout(), manifest.launch().readiness());
        });
    }

    private Map<String, String> details(Cgroup cgroup) {
        return Map.of(
                "network", "host loopback",
                "limits", cgroup == null
                        ? "none (cgroups not writable)"
                        : manifest.vcpus() + " vCPU, " + manifest.memoryMib() + " MiB, " + ManifestDefaults.PIDS_MAX
                          + " pids, " + cgroups.orElseThrow().describe());
    }

    @Override
    public void close() {
        // Nothing was built for a host process.
    }

}
