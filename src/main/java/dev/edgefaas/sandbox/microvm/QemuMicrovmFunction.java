package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.CgroupLimits;
import dev.edgefaas.host.cgroup.JoinCgroupsThenExec;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.sandbox.InstanceRequest;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.Readiness;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A function with its guest image built; boots one microVM per instance. */
final class QemuMicrovmFunction implements PreparedFunction {
    /**
     * What QEMU itself may use beyond the guest's memory: its own heap, device state and, under
     * TCG, the translation cache (bounded to 64 MiB by {@link Accelerator}).
     */
    static final long VMM_OVERHEAD_MIB = 160;

    private final FunctionManifest manifest;
    private final String qemu;
    private final Accelerator accelerator;
    private final GuestKernel kernel;
    private final GuestImage image;
    private final CgroupLayout cgroups;
    private final NamespacePool namespaces;

    QemuMicrovmFunction(FunctionManifest manifest, String qemu, Accelerator accelerator, GuestKernel kernel,
                        GuestImage image, CgroupLayout cgroups, NamespacePool namespaces) {
        this.manifest = manifest;
        this.qemu = qemu;
        this.accelerator = accelerator;
        this.kernel = kernel;
        this.image = image;
        this.cgroups = cgroups;
        this.namespaces = namespaces;
    }

    @Override
    public SandboxInstance start(InstanceRequest request) {
        String id = request.instanceId();
        request.record().put(QemuMicrovmBackend.RECORD_CGROUP, id);
        Cgroup group = Cgroup.create(cgroups, id, new CgroupLimits(manifest.vcpus(),
                (manifest.memoryMib() + VMM_OVERHEAD_MIB) * 1024L * 1024L, ManifestDefaults.PIDS_MAX));
        GuestNetwork network = null;
        QemuMicrovmInstance instance = null;
        try {
            network = manifest.network() == FunctionManifest.Network.ISOLATED
                    ? new GuestNetwork(namespaces.takeTap(request.callbackPort()), 0)
                    : new GuestNetwork(null, LoopbackPorts.free());
            Path console = request.scratch().resolve("console.log");
            Path qmpSocket = request.scratch().resolve("qmp.sock");
            // A guest has whole vCPUs; a fractional limit still applies to the VMM through its cgroup.
            int vcpus = (int) Math.ceil(manifest.vcpus());
            QemuCommand command = new QemuCommand(qemu, accelerator, kernel, image, network, vcpus,
                    manifest.memoryMib(), qmpSocket, List.of(
                            "PORT=" + GuestNetwork.GUEST_PORT,
                            "EDGEFAAS_INSTANCE_ID=" + id,
                            "EDGEFAAS_CALLBACK_URL=" + request.callbackUrl(network.hostAddress())));
            request.phases().mark("prepare");

            Process process = new ProcessBuilder(JoinCgroupsThenExec.wrap(group.procsFiles(), command.arguments("edgefaas-" + id)))
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(console.toFile())
                    .start();
            request.record().put(QemuMicrovmBackend.RECORD_PID, Long.toString(process.pid()));
            request.phases().mark("spawn");
            instance = new QemuMicrovmInstance(id, process, network, console, qmpSocket, group, namespaces,
                    details(network));
            instance.onExit(request.readiness()::signalExited);
            Readiness.Outcome outcome = request.readiness().await(manifest.readyTimeout());
            request.phases().mark("ready");
            if (outcome == Readiness.Outcome.READY) {
                return instance;
            }
            var diagnosis = instance.diagnoseAfterStop();
            instance.close();
            throw new SandboxException("instance " + id + " of function " + manifest.name() + " in qemu-microvm "
                    + (outcome == Readiness.Outcome.EXITED ? "stopped before it was ready"
                    : "did not call back within " + manifest.readyTimeout().toMillis() + " ms"), diagnosis, null);
        } catch (IOException | RuntimeException e) {
            if (instance != null) {
                instance.close();
            } else {
                if (network != null && network.tap() != null) {
                    namespaces.release(network.tap());
                }
                group.close();
            }
            if (e instanceof SandboxException sandbox) {
                throw sandbox;
            }
            throw new SandboxException("cannot start instance " + id + " of " + manifest.name() + " in qemu-microvm: "
                    + e.getMessage(), e);
        }
    }

    private Map<String, String> details(GuestNetwork network) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "QEMU microvm");
        details.put("accelerator", accelerator.name() + (accelerator.kvm() ? "" : " (" + accelerator.reason() + ")"));
        details.put("kernel", kernel.describe());
        details.put("image", image.rootDisk().getParent() + " (sha256 " + image.digest().substring(0, 12) + ")");
        details.put("network", network.describe());
        details.put("limits", manifest.vcpus() + " vCPU, " + manifest.memoryMib() + " MiB guest; VMM cgroup "
                + (manifest.memoryMib() + VMM_OVERHEAD_MIB) + " MiB, " + ManifestDefaults.PIDS_MAX + " pids");
        return details;
    }

    @Override
    public void close() {
        // The image stays cached for the next deploy of the same version.
    }
}
