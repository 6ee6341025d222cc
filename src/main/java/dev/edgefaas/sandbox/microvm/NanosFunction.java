package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.host.cgroup.Cgroup;
import dev.edgefaas.host.cgroup.CgroupLayout;
import dev.edgefaas.host.cgroup.CgroupLimits;
import dev.edgefaas.host.cgroup.JoinCgroupsThenExec;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.sandbox.InstanceRequest;
import dev.edgefaas.sandbox.PreparedFunction;
import dev.edgefaas.sandbox.SandboxException;
import dev.edgefaas.sandbox.SandboxInstance;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function whose Nanos image is built; boots one unikernel per instance on QEMU, inside a
 * namespace of {@link GuestNat} so that every instance can share the image's network settings.
 */
final class NanosFunction implements PreparedFunction {
    private static final String QMP_SOCKET = "qmp.sock";

    private final FunctionManifest manifest;
    private final String qemu;
    private final Accelerator accelerator;
    private final NanosToolchain toolchain;
    private final Path image;
    private final CgroupLayout cgroups;
    private final NamespacePool namespaces;

    NanosFunction(FunctionManifest manifest, String qemu, Accelerator accelerator, NanosToolchain toolchain, Path image,
                  CgroupLayout cgroups, NamespacePool namespaces) {
        this.manifest = manifest;
        this.qemu = qemu;
        this.accelerator = accelerator;
        this.toolchain = toolchain;
        this.image = image;
        this.cgroups = cgroups;
        this.namespaces = namespaces;
    }

    @Override
    public SandboxInstance start(InstanceRequest request) {
        String id = request.instanceId();
        request.record().put(MicrovmRecords.CGROUP, id);
        Cgroup group = Cgroup.create(cgroups, id, new CgroupLimits(manifest.vcpus(),
                (manifest.memoryMib() + MicrovmFunction.VMM_OVERHEAD_MIB) * 1024L * 1024L, ManifestDefaults.PIDS_MAX));
        InstanceNetwork namespace = null;
        MicrovmInstance instance = null;
        try {
            namespace = namespaces.takeGuestNat(request.callbackPort());
            GuestNetwork network = new GuestNetwork(namespace, 0);
            Path console = request.scratch().resolve("console.log");
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace.name()));
            command.addAll(qemuArguments(id, request.scratch()));
            request.phases().mark("prepare");

            Process process = new ProcessBuilder(JoinCgroupsThenExec.wrap(group.procsFiles(), command))
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(console.toFile())
                    .start();
            request.record().put(MicrovmRecords.PID, Long.toString(process.pid()));
            request.phases().mark("spawn");
            instance = new MicrovmInstance(id, process, (scratch, vmm) -> QmpClient.quit(scratch.resolve(QMP_SOCKET)),
                    network, console, request.scratch(), group, namespaces, details(namespace), MicrovmInstance.ExitReport.DEBUG_EXIT);
            instance.onExit(request.readiness()::signalExited);
            ListeningProbe.start(id, namespace.instanceAddress(), GuestNat.PORT, process, request.readiness());
            instance.awaitReady(request, manifest.readyTimeout(),
                    "instance " + id + " of function " + manifest.name() + " in nanos", " (its port never accepted)");
            return instance;
        } catch (IOException | RuntimeException e) {
            if (instance != null) {
                instance.close();
            } else {
                if (namespace != null) {
                    namespaces.release(namespace);
                }
                group.close();
            }
            if (e instanceof SandboxException sandbox) {
                throw sandbox;
            }
            throw new SandboxException("cannot start instance " + id + " of " + manifest.name() + " in nanos: "
                    + e.getMessage(), e);
        }
    }

    /**
     * QEMU's {@code pc} machine booting the image through its own boot loader: this Nanos's
     * kernel does not start under QEMU's direct (PVH) boot here. Devices are virtio-pci.
     */
    private List<String> qemuArguments(String id, Path scratch) {
        List<String> arguments = new ArrayList<>(List.of(qemu, "-name", "edgefaas-" + id, "-M", "pc"));
        arguments.addAll(accelerator.qemuArguments());
        arguments.addAll(List.of(
                "-m", manifest.memoryMib() + "M", "-smp", Integer.toString((int) Math.ceil(manifest.vcpus())),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-serial", "stdio",
                "-device", "isa-debug-exit",
                "-drive", "id=root,file=" + image + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-pci,drive=root",
                "-netdev", "tap,id=net0,ifname=" + GuestNat.TAP + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=net0",
                "-qmp", "unix:" + scratch.resolve(QMP_SOCKET) + ",server=on,wait=off"));
        return arguments;
    }

    private Map<String, String> details(InstanceNetwork namespace) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "QEMU pc (Nanos " + toolchain.version() + ")");
        details.put("accelerator", accelerator.name() + (accelerator.kvm() ? "" : " (" + accelerator.reason() + ")"));
        details.put("image", image + " (shared, read-only)");
        details.put("network", "namespace " + namespace.name() + ", " + namespace.instanceAddress() + " via "
                + namespace.hostAddress() + "; guest " + GuestNat.GUEST + " behind NAT");
        details.put("readiness", "port probe (a Nanos image cannot carry a per-instance callback URL)");
        details.put("limits", manifest.vcpus() + " vCPU, " + manifest.memoryMib() + " MiB guest; VMM cgroup "
                + (manifest.memoryMib() + MicrovmFunction.VMM_OVERHEAD_MIB) + " MiB, " + ManifestDefaults.PIDS_MAX + " pids");
        return details;
    }

    @Override
    public void close() {
        // The image stays cached for the next deploy of the same version.
    }
}
