package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ReadinessCheck;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.LoopbackPorts;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.CgroupLimits;
import dev.edgefaas.host.cgroup.JoinCgroupsThenExec;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.logs.LineSink;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.InstanceRequest;
import dev.edgefaas.sandbox.InstanceStart;
import dev.edgefaas.sandbox.OutputPump;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.Readiness;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * A function with its guest image built; starts one microVM per instance with its VMM: booted,
 * or, where the VMM restores snapshots and the manifest allows it, restored from a snapshot of
 * a booted one ({@link GuestSnapshot}), with a boot when restoring fails.
 *
 * @param snapshot null where every instance boots
 */
record MicrovmFunction(FunctionManifest manifest, Vmm vmm, GuestKernel kernel, GuestImage image,
        CgroupLayout cgroups, NamespacePool namespaces, GuestSnapshot snapshot) implements PreparedFunction {
    private static final Logger LOG = Logger.getLogger(MicrovmFunction.class.getName());
    /**
     * What QEMU itself may use beyond the guest's memory: its own heap, device state and, under
     * TCG, the translation cache (bounded to 64 MiB by {@link Accelerator}). Firecracker needs far less.
     */
    static final long VMM_OVERHEAD_MIB = 160;
    /** How long a booted guest may stay busy before it is saved anyway: its function is ready already. */
    private static final Duration MAX_SETTLE = Duration.ofSeconds(2);
    private static final String CONSOLE = "console.log";

    @Override
    public SandboxInstance start(InstanceRequest request) {
        if (snapshot != null && snapshot.ensureSaved(into -> save(request, into))) {
            snapshot.standby().restoring();
            try {
                Optional<StandbyVmms.Standby> standby = snapshot.standby().take();
                return standby.isPresent() ? adopt(request.withFreshReadiness(), standby.get())
                        : launch(request.withFreshReadiness(), Vmm.GuestMemory.restoring(snapshot.ram()));
            } catch (SandboxException e) {
                snapshot.giveUp("restoring " + request.instanceId() + " failed: " + e.getMessage());
            } finally {
                snapshot.standby().restored(this::startStandby);
            }
        }
        return launch(request, Vmm.GuestMemory.ANONYMOUS);
    }

    /**
     * Boots a guest with its RAM in the snapshot's file, waits until it is ready, has answered its
     * priming request and has settled, and saves it; the guest is stopped after. Part of the first
     * start's cold start ({@code snapshot}).
     */
    private void save(InstanceRequest request, GuestSnapshot into) throws IOException {
        InstanceRequest template = new InstanceRequest(request.instanceId(), request.callbackPort(), new Readiness(),
                request.phases(), request.record(), Files.createDirectories(request.scratch().resolve("snapshot")),
                request.log());
        MicrovmInstance booted = (MicrovmInstance) launch(template, Vmm.GuestMemory.saving(into.ram()));
        try {
            SnapshotPriming.prime(booted.endpoint(), manifest.snapshotPrime(), into.version());
            booted.awaitSettled(MAX_SETTLE);
            into.saved(booted.saveSnapshot(vmm, into.state(), into.ram()));
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
            Cgroup group = start.cgroup(cgroups, limits());
            GuestNetwork network = manifest.network() == FunctionManifest.Network.ISOLATED
                    ? network(start.take(() -> vmm.takeLink(namespaces, request.callbackPort()), namespaces::release))
                    : new GuestNetwork(null, LoopbackPorts.free(), guestPort());
            Path console = request.scratch().resolve(CONSOLE);
            Process process = start.spawn(new ProcessBuilder(JoinCgroupsThenExec.wrap(group.procsFiles(),
                    command(id, network, request.scratch(), memory, vmm.probesReadiness() ? null
                            : request.callbackUrl(network.hostAddress())))), console);
            MicrovmInstance instance = start.handOver(new MicrovmInstance(id, process, vmm::requestStop, network, console,
                    request.scratch(), group, namespaces, details(network, restore ? Start.RESTORED : Start.BOOTED, group),
                    vmm.exitReport()));
            instance.watchConsole(request.log());
            if (restore) {
                vmm.awaitStandby(request.scratch(), process);
                restore(request, process);
                return awaitRestoredReady(start);
            }
            return awaitReady(start);
        });
    }

    /**
     * Restores a clone in a VMM that was {@linkplain #startStandby started ahead}: the instance
     * takes over its cgroup, network, console and QMP socket, and feeds it the state.
     */
    private SandboxInstance adopt(InstanceRequest request, StandbyVmms.Standby standby) {
        String id = request.instanceId();
        return InstanceStart.run(request, manifest, vmm.sandbox(), start -> {
            start.onFailure(standby::discard);
            Process process = standby.process();
            request.record().put(InstanceStart.RECORD_CGROUP, standby.group().name());
            request.record().put(InstanceStart.RECORD_PID, Long.toString(process.pid()));
            standby.handTo(request.scratch());
            standby.output().handTo(id, request.log(), request.scratch().resolve(CONSOLE));
            request.phases().mark("prepare");
            GuestNetwork network = network(standby.link());
            MicrovmInstance instance = start.handOver(new MicrovmInstance(id, process, vmm::requestStop, network,
                    request.scratch().resolve(CONSOLE), request.scratch(), standby.group(), namespaces,
                    details(network, Start.RESTORED_IN_STANDBY, standby.group()), vmm.exitReport()));
            instance.outputFrom(standby.output());
            instance.watchConsole(request.log());
            restore(request, process);
            return awaitRestoredReady(start);
        });
    }

    /**
     * Starts a VMM with this function's devices and the snapshot's RAM that waits for a clone's
     * state, with the snapshot's {@link WorkingSet} in memory, which the first call records
     * before anything else, in a VMM of its own ({@link SnapshotRehearsal}). Background work: the
     * standbys' refill calls it.
     */
    private StandbyVmms.Standby startStandby() throws IOException {
        if (vmm.mapsMemoryWhileStandingBy() && snapshot.firstToRecordWorkingSet()) {
            recordWorkingSet();
        }
        StandbyVmms.Standby standby = startWaitingVmm();
        try {
            prefetchWorkingSet(standby);
            standby.record().put(StandbyVmms.RECORD_WAITING_SINCE, Instant.now().toString());
            return standby;
        } catch (RuntimeException e) {
            standby.discard();
            throw e;
        }
    }

    private void prefetchWorkingSet(StandbyVmms.Standby standby) {
        Optional<WorkingSet> workingSet = snapshot.workingSet();
        if (workingSet.isEmpty()) {
            return;
        }
        try {
            workingSet.get().prefetchInto(standby.process().pid(), snapshot.ram());
        } catch (IOException e) {
            if (!standby.process().isAlive()) {
                return; // Not the working set's fault: a restore discards a dead standby.
            }
            // The standby is as good as one without: only its clone's first answer is slower.
            snapshot.workingSet(null);
            LOG.warning(() -> "standby VMMs of " + snapshot.version() + " are started without their clones'"
                    + " working set in memory: " + e.getMessage());
        }
    }

    private void recordWorkingSet() {
        try {
            StandbyVmms.Standby rehearsal = startWaitingVmm();
            WorkingSet recorded = SnapshotRehearsal.record(vmm, snapshot, rehearsal, URI.create(
                    network(rehearsal.link()).endpoint()), manifest.snapshotPrime(), manifest.readyTimeout());
            snapshot.workingSet(recorded);
            snapshot.cloneAccepted();
            LOG.fine(() -> "working set of " + snapshot.version() + "'s clones: " + recorded.ownPages() + " pages");
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "standby VMMs of " + snapshot.version() + " are started without their clones' working"
                    + " set in memory: a clone restored to record it failed: " + e.getMessage());
        }
    }

    /**
     * Starts a VMM with this function's devices and the snapshot's RAM that listens for a
     * clone's state, in a namespace, cgroup and scratch directory of its own, each recorded first.
     */
    private StandbyVmms.Standby startWaitingVmm() throws IOException {
        String id = "vmm-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        StateDirectory state = namespaces.state();
        InstanceRecord record = state.newRecord(id, vmm.sandbox());
        StandbyVmms.Standby standby = new StandbyVmms.Standby(id, record, state.instanceDirectory(id), null, null, null,
                null, namespaces);
        try {
            record.put(InstanceStart.RECORD_CGROUP, id);
            standby = standby.withGroup(Cgroup.create(cgroups, id, limits()));
            standby = standby.withLink(vmm.takeLink(namespaces, 0));
            List<String> command = command(id, network(standby.link()), standby.scratch(),
                    Vmm.GuestMemory.restoring(snapshot.ram()), null);
            OutputPump.Started started = OutputPump.launch(new ProcessBuilder(JoinCgroupsThenExec.wrap(
                    standby.group().procsFiles(), command)), standby.scratch().resolve(CONSOLE), id, LineSink.NONE);
            standby = standby.withProcess(started.process(), started.output());
            record.put(InstanceStart.RECORD_PID, Long.toString(standby.process().pid()));
            vmm.awaitStandby(standby.scratch(), standby.process());
            return standby;
        } catch (IOException | RuntimeException e) {
            try {
                standby.discard();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void restore(InstanceRequest request, Process process) throws IOException {
        vmm.awaitRestore(request.scratch(), process, snapshot.saved().resumedAfter(Instant.now()), snapshot.ram());
        request.phases().mark("restore");
    }

    /**
     * A clone is ready once its VMM runs it, when an earlier clone of its snapshot accepted on
     * its guest port: the guest was saved listening, and its first connection is then the
     * request's rather than a probe's. A probe's connection is not free for a clone under TCG:
     * its guest accepts it, then closes it, each time on code not yet translated, while the
     * request waits behind; a restore's first answer took 13-21% less without it here. The
     * first clone is probed; a later one whose guest does not answer fails its request's
     * connection, which the gateway retries on another instance.
     */
    private SandboxInstance awaitRestoredReady(InstanceStart start) {
        if (snapshot.clonesAccept()) {
            return start.readyNow();
        }
        SandboxInstance ready = awaitReady(start);
        snapshot.cloneAccepted();
        return ready;
    }

    /**
     * Awaits the handed-over guest's readiness. A guest that cannot be told a callback URL is
     * probed instead: one behind a namespace of its own (every snapshotted one), and a restored
     * one, which called back long ago.
     */
    private SandboxInstance awaitReady(InstanceStart start) {
        ReadinessCheck readiness = manifest.launch().readiness();
        return start.awaitReady(manifest.readyTimeout(), vmm.probesReadiness()
                && readiness.kind() == ReadinessCheck.Kind.CALLBACK ? ReadinessCheck.TCP : readiness);
    }

    private CgroupLimits limits() {
        return new CgroupLimits(manifest.vcpus(), (manifest.memoryMib() + VMM_OVERHEAD_MIB) * 1024L * 1024L,
                ManifestDefaults.PIDS_MAX);
    }

    private int guestPort() {
        return manifest.launch().portOr(GuestNetwork.DEFAULT_GUEST_PORT);
    }

    private GuestNetwork network(InstanceNetwork link) {
        return new GuestNetwork(link, 0, guestPort());
    }

    /** The VMM's command for instance {@code id}, told {@code callbackUrl} unless it is null. */
    private List<String> command(String id, GuestNetwork network, Path scratch, Vmm.GuestMemory memory, URI callbackUrl)
            throws IOException {
        // A guest has whole vCPUs; a fractional limit still applies to the VMM through its cgroup.
        int vcpus = (int) Math.ceil(manifest.vcpus());
        return vmm.command(new Vmm.MicrovmLaunch(id, kernel, image, network, vcpus, manifest.memoryMib(), scratch,
                InstanceEnvironment.lines(InstanceEnvironment.ofInstance(id, network.guestPort(), callbackUrl)), memory));
    }

    /** How an instance came to run, as its details say. */
    private enum Start { BOOTED, RESTORED, RESTORED_IN_STANDBY }

    private Map<String, String> details(GuestNetwork network, Start how, Cgroup group) {
        Map<String, String> details = new LinkedHashMap<>(vmm.details());
        details.put("kernel", kernel.describe());
        details.put("image", image.rootDisk().getParent() + " (sha256 " + image.digest().substring(0, 12) + ")");
        details.put("network", network.describe());
        details.put("limits", manifest.vcpus() + " vCPU, " + manifest.memoryMib() + " MiB guest; VMM cgroup "
                + (manifest.memoryMib() + VMM_OVERHEAD_MIB) + " MiB, " + ManifestDefaults.PIDS_MAX + " pids");
        details.put(SandboxInstance.DETAIL_CGROUP, group.name());
        details.put("start", switch (how) {
            case RESTORED -> "restored from the snapshot of " + snapshot.version();
            case RESTORED_IN_STANDBY -> "restored from the snapshot of " + snapshot.version() + " in a VMM started ahead";
            case BOOTED -> snapshot == null ? "booted" : "booted (" + snapshot.unusable().orElse("saving its snapshot") + ")";
        });
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
