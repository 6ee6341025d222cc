package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ReadinessCheck;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.CgroupLimits;
import dev.edgefaas.host.cgroup.JoinCgroupsThenExec;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.InstanceRequest;
import dev.edgefaas.sandbox.InstanceStart;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxInstance;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A function with its guest image built; boots one microVM per instance with its VMM. */
record MicrovmFunction(FunctionManifest manifest, Vmm vmm, GuestKernel kernel, GuestImage image,
        CgroupLayout cgroups, NamespacePool namespaces) implements PreparedFunction {
    /**
     * What QEMU itself may use beyond the guest's memory: its own heap, device state and, under
     * TCG, the translation cache (bounded to 64 MiB by {@link Accelerator}). Firecracker needs far less.
     */
    static final long VMM_OVERHEAD_MIB = 160;

    @Override
    public SandboxInstance start(InstanceRequest request) {
        String id = request.instanceId();
        return InstanceStart.run(request, manifest, vmm.sandbox(), start -> {
            Cgroup group = start.cgroup(cgroups, new CgroupLimits(manifest.vcpus(),
                    (manifest.memoryMib() + VMM_OVERHEAD_MIB) * 1024L * 1024L, ManifestDefaults.PIDS_MAX));
            int guestPort = manifest.launch().portOr(GuestNetwork.DEFAULT_GUEST_PORT);
            GuestNetwork network = manifest.network() == FunctionManifest.Network.ISOLATED
                    ? new GuestNetwork(start.take(() -> vmm.takeLink(namespaces, request.callbackPort()),
                            namespaces::release), 0, guestPort)
                    : new GuestNetwork(null, LoopbackPorts.free(), guestPort);
            // A guest has whole vCPUs; a fractional limit still applies to the VMM through its cgroup.
            int vcpus = (int) Math.ceil(manifest.vcpus());
            List<String> command = vmm.command(new Vmm.MicrovmLaunch(id, kernel, image, network, vcpus,
                    manifest.memoryMib(), request.scratch(), InstanceEnvironment.lines(InstanceEnvironment.ofInstance(id,
                            guestPort, request.callbackUrl(network.hostAddress())))));
            Path console = request.scratch().resolve("console.log");
            Process process = start.spawn(new ProcessBuilder(JoinCgroupsThenExec.wrap(group.procsFiles(), command)),
                    console);
            start.handOver(new MicrovmInstance(id, process, vmm::requestStop, network, console, request.scratch(), group,
                    namespaces, details(network), vmm.exitReport()));
            // A guest that cannot be told a callback URL is probed instead.
            ReadinessCheck readiness = manifest.launch().readiness();
            return start.awaitReady(manifest.readyTimeout(),
                    vmm.probesReadiness() && readiness.kind() == ReadinessCheck.Kind.CALLBACK ? ReadinessCheck.TCP : readiness);
        });
    }

    private Map<String, String> details(GuestNetwork network) {
        Map<String, String> details = new LinkedHashMap<>(vmm.details());
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
