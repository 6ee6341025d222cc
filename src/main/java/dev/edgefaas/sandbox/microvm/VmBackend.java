package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.sandbox.BackendScope;
import dev.edgefaas.sandbox.DeclaredBackend;
import dev.edgefaas.sandbox.HostNeeds;
import dev.edgefaas.sandbox.InstanceStart;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every backend that boots guests shares: root, writable cgroups and a VMM on the host;
 * the platform's network pool; a {@link MicrovmFunction} per prepared function; and a reaper
 * that kills a leftover VMM and removes its cgroup. A subclass adds its own needs, artifacts
 * and {@link Vmm}.
 *
 * @param <H> what the subclass's host check found
 */
abstract class VmBackend<H> extends DeclaredBackend<H> {
    static final String QEMU = "qemu-system-x86_64";
    private static final AtomicLong SNAPSHOT_SERIAL = new AtomicLong();

    protected final CgroupLayout cgroups;
    protected final Path cacheRoot;
    protected final NamespacePool namespaces;
    private final String vmmBinaryName;

    /**
     * @param cacheRoot  where kernels, root file systems and guest images are cached
     * @param namespaces the shared pool taps and namespaces come from; null where the backend only probes
     */
    VmBackend(String name, BackendScope scope, String vmmBinaryName, CgroupLayout cgroups, Path cacheRoot,
              NamespacePool namespaces) {
        super(name, scope);
        this.vmmBinaryName = vmmBinaryName;
        this.cgroups = cgroups;
        this.cacheRoot = cacheRoot;
        this.namespaces = namespaces;
    }

    /** QEMU's guests are (its migration), Firecracker's not yet. */
    @Override
    public boolean restoresSnapshots() {
        return vmmBinaryName.equals(QEMU);
    }

    /** Notes what running guests needs of the host: root and writable cgroups. */
    final void needRootAndCgroups(HostNeeds needs) {
        needs.root("virtual machines need root here (tap devices, namespaces, cgroups)");
        needs.writableCgroups(cgroups);
    }

    /** Notes what guests on QEMU need; QEMU's path, if installed. */
    final Optional<String> needQemu(HostNeeds needs) {
        needRootAndCgroups(needs);
        return needs.executable(QEMU, "apt-get install -y qemu-system-x86").map(Path::toString);
    }

    /** QEMU, a unikernel's toolchain, and the accelerator they run with. */
    record UnikernelHost<T>(String qemu, T toolchain, Accelerator accelerator) {
    }

    /** Notes what a unikernel needs: its toolchain ({@code missing} says how to get it) and QEMU; null unless both are there. */
    final <T> UnikernelHost<T> needQemuAndToolchain(HostNeeds needs, Optional<T> toolchain, String missing) {
        needs.require(toolchain.isPresent(), missing);
        Optional<String> qemu = needQemu(needs);
        return needs.met()
                ? new UnikernelHost<>(qemu.orElseThrow(), toolchain.orElseThrow(), Accelerator.detect(qemu.orElseThrow()))
                : null;
    }

    /**
     * Whether {@code manifest}'s guests go behind a namespace's NAT, all with the same address,
     * so that clones of a snapshot can share it: where it may be snapshotted, in an isolated
     * network, listening on the port the NAT forwards, not told a readiness URL on its command
     * line (a guest behind the NAT calls nothing; it is ready when its port accepts). Else each
     * gets a tap of its own and boots.
     */
    static boolean behindNat(FunctionManifest manifest) {
        return manifest.snapshot() == FunctionManifest.Snapshot.AUTO && manifest.network() == FunctionManifest.Network.ISOLATED
                && manifest.launch().portOr(GuestNat.PORT) == GuestNat.PORT && !manifest.launch().passesCallbackUrl();
    }

    /** Starts making the links {@code manifest}'s guests will take, off the request path. */
    final void warmUpNetwork(FunctionManifest manifest, boolean behindNat) {
        if (behindNat) {
            namespaces.warmUpGuestNats();
        } else if (manifest.network() == FunctionManifest.Network.ISOLATED) {
            namespaces.warmUpTaps();
        }
    }

    /** Prepares a manifest on a host that meets every need, for a platform that has a network pool. */
    protected abstract PreparedFunction prepareGuest(H host, FunctionManifest manifest);

    @Override
    protected final PreparedFunction prepareOn(H host, FunctionManifest manifest) {
        if (namespaces == null) {
            throw new SandboxException(name() + " needs the platform's network pool (this backend only probes)");
        }
        return prepareGuest(host, manifest);
    }

    /**
     * A function whose instances {@code vmm} boots from {@code kernel} and {@code image}, or
     * restores from a snapshot of its own where the VMM can and the manifest lets it.
     */
    final MicrovmFunction function(FunctionManifest manifest, Vmm vmm, GuestKernel kernel, GuestImage image) {
        GuestSnapshot snapshot = null;
        if (vmm.snapshots() && manifest.snapshot() == FunctionManifest.Snapshot.AUTO) {
            // A directory per prepared version: a redeploy of the same content never restores the old one's.
            String version = manifest.name().value() + "-" + image.digest().substring(0, 12);
            snapshot = new GuestSnapshot(namespaces.state().inMemory("snapshots")
                    .resolve(version + "-" + SNAPSHOT_SERIAL.incrementAndGet()), version,
                    StandbyVmms.Sizes.of(manifest, namespaces.sparesPerKind()));
        }
        return new MicrovmFunction(manifest, vmm, kernel, image, cgroups, namespaces, snapshot);
    }

    /** Kills the VMM if it is still the recorded process, and removes the instance's cgroup. */
    @Override
    public final void reap(InstanceRecord record) {
        record.get(InstanceStart.RECORD_PID).ifPresent(pid -> ProcessHandle.of(Long.parseLong(pid))
                .filter(process -> process.info().command().orElse("").endsWith(vmmBinaryName))
                .ifPresent(ProcessHandle::destroyForcibly));
        record.get(InstanceStart.RECORD_CGROUP).ifPresent(name -> {
            if (cgroups.writable()) {
                Cgroups.removeLeftover(cgroups, name);
                Cgroups.removeEverywhere(name);
            }
        });
    }
}
