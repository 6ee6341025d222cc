package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ReadinessCheck;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.StateDirectory;
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
import dev.edgefaas.sandbox.Readiness;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function with its guest image built; starts one microVM per instance with its VMM: booted,
 * or, where the VMM restores snapshots and the manifest allows it, restored from a snapshot of
 * a booted one ({@link GuestSnapshot}), with a boot when restoring fails.
 *
 * @param snapshot null where every instance boots
 */
record MicrovmFunction(FunctionManifest manifest, Vmm vmm, GuestKernel kernel, GuestImage image,
        CgroupLayout cgroups, NamespacePool namespaces, GuestSnapshot snapshot) implements PreparedFunction {
    /**
     * What QEMU itself may use beyond the guest's memory: its own heap, device state and, under
     * TCG, the translation cache (bounded to 64 MiB by {@link Accelerator}). Firecracker needs far less.
     */
    static final long VMM_OVERHEAD_MIB = 160;
    /** How long a booted guest may stay busy before it is saved anyway: its function is ready already. */
    private static final Duration MAX_SETTLE = Duration.ofSeconds(2);

    @Override
    public SandboxInstance start(InstanceRequest request) {
        if (snapshot != null && snapshot.ensureSaved(into -> save(request, into))) {
            try {
                return launch(request.withFreshReadiness(), Vmm.GuestMemory.restoring(snapshot.ram()));
            } catch (SandboxException e) {
                snapshot.giveUp("restoring " + request.instanceId() + " failed: " + e.getMessage());
            }
        }
        return launch(request, Vmm.GuestMemory.ANONYMOUS);
    }

    /**
     * Boots a guest with its RAM in the snapshot's file, waits until it is ready and has settled,
     * and saves it; the guest is stopped after. Part of the first start's cold start ({@code snapshot}).
     */
    private void save(InstanceRequest request, GuestSnapshot into) throws IOException {
        InstanceRequest template = new InstanceRequest(request.instanceId(), request.callbackPort(), new Readiness(),
                request.phases(), request.record(), Files.createDirectories(request.scratch().resolve("snapshot")));
        MicrovmInstance booted = (MicrovmInstance) launch(template, Vmm.GuestMemory.saving(into.ram()));
        try {
            booted.awaitSettled(MAX_SETTLE);
            into.saved(booted.saveSnapshot(vmm, into.state()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while saving the snapshot", e);
        } finally {
            booted.close();
        }
        StateDirectory.deleteTree(template.scratch());
        request.phases().mark("snapshot");
    }

    private SandboxInstance launch(InstanceRequest request, Vmm.GuestMemory memory) {
        String id = request.instanceId();
        boolean restore = memory.restore();
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
                            guestPort, vmm.probesReadiness() ? null : request.callbackUrl(network.hostAddress()))),
                    memory));
            Path console = request.scratch().resolve("console.log");
            Process process = start.spawn(new ProcessBuilder(JoinCgroupsThenExec.wrap(group.procsFiles(), command)),
                    console);
            MicrovmInstance instance = start.handOver(new MicrovmInstance(id, process, vmm::requestStop, network, console,
                    request.scratch(), group, namespaces, details(network, restore), vmm.exitReport()));
            if (restore) {
                vmm.awaitRestore(request.scratch(), process, snapshot.saved().resumedAfter(Instant.now()));
                request.phases().mark("restore");
            }
            // A guest that cannot be told a callback URL is probed instead: one behind a namespace of
            // its own (every snapshotted one), and a restored one, which called back long ago.
            ReadinessCheck readiness = manifest.launch().readiness();
            return start.awaitReady(manifest.readyTimeout(), vmm.probesReadiness()
                    && readiness.kind() == ReadinessCheck.Kind.CALLBACK ? ReadinessCheck.TCP : readiness);
        });
    }

    private Map<String, String> details(GuestNetwork network, boolean restored) {
        Map<String, String> details = new LinkedHashMap<>(vmm.details());
        details.put("kernel", kernel.describe());
        details.put("image", image.rootDisk().getParent() + " (sha256 " + image.digest().substring(0, 12) + ")");
        details.put("network", network.describe());
        details.put("limits", manifest.vcpus() + " vCPU, " + manifest.memoryMib() + " MiB guest; VMM cgroup "
                + (manifest.memoryMib() + VMM_OVERHEAD_MIB) + " MiB, " + ManifestDefaults.PIDS_MAX + " pids");
        details.put("start", restored ? "restored from the snapshot of " + snapshot.version()
                : snapshot == null ? "booted" : "booted (" + snapshot.unusable().orElse("saving its snapshot") + ")");
        return details;
    }

    @Override
    public void close() {
        // The image stays cached for the next deploy of the same version; the snapshot goes with this one.
        if (snapshot != null) {
            snapshot.close();
        }
    }
}
