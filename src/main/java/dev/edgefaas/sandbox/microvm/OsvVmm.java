package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.image.GuestKernels;
import dev.edgefaas.image.OsvToolchain;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OSv on QEMU: the kernel booted directly ({@code -kernel loader-stripped.elf}) on the {@code pc}
 * machine, whose HPET gives OSv a clock under TCG ({@code microvm} has none without KVM). Every
 * per-instance setting goes on OSv's command line: address, gateway, environment, program.
 */
final class OsvVmm implements Vmm {
    private static final String QMP_SOCKET = "qmp.sock";

    private final String qemu;
    private final Accelerator accelerator;
    private final OsvToolchain toolchain;
    private final List<String> functionEnvironment;
    private final List<String> program;

    OsvVmm(String qemu, Accelerator accelerator, OsvToolchain toolchain, List<String> functionEnvironment,
           List<String> program) {
        this.qemu = qemu;
        this.accelerator = accelerator;
        this.toolchain = toolchain;
        this.functionEnvironment = List.copyOf(functionEnvironment);
        this.program = List.copyOf(program);
    }

    @Override
    public String sandbox() {
        return OsvBackend.NAME;
    }

    @Override
    public List<String> command(MicrovmLaunch launch) {
        GuestNetwork network = launch.network();
        List<String> arguments = new ArrayList<>(List.of(qemu, "-name", "edgefaas-" + launch.id(), "-M", "pc"));
        arguments.addAll(accelerator.qemuArguments());
        arguments.addAll(List.of(
                "-m", launch.memoryMib() + "M", "-smp", Integer.toString(launch.vcpus()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-serial", "stdio",
                "-kernel", launch.kernel().image().toString(),
                "-append", commandLine(launch),
                "-drive", "id=root,file=" + launch.image().rootDisk() + ",format=raw,if=none,readonly=on",
                "-device", "virtio-blk-pci,drive=root",
                "-netdev", network.link() != null
                        ? "tap,id=net0,ifname=" + network.link().hostInterface() + ",script=no,downscript=no"
                        : "user,id=net0,hostfwd=tcp:127.0.0.1:" + network.loopbackPort() + "-:" + GuestNetwork.GUEST_PORT,
                "-device", "virtio-net-pci,netdev=net0" + (network.link() != null ? ",mac=" + network.link().instanceMac() : ""),
                "-qmp", "unix:" + launch.scratch().resolve(QMP_SOCKET) + ",server=on,wait=off"));
        return arguments;
    }

    /** OSv's options, then the program: {@code --rootfs=rofs --ip=eth0,IP,MASK --defaultgw=GW --env=K=V ... PROGRAM ARGS}. */
    String commandLine(MicrovmLaunch launch) {
        GuestNetwork network = launch.network();
        List<String> words = new ArrayList<>(List.of("--rootfs=rofs", "--norandom",
                "--ip=eth0," + network.guestAddress() + "," + network.netmask(), "--defaultgw=" + network.hostAddress()));
        List<String> environment = new ArrayList<>(functionEnvironment);
        environment.addAll(launch.instanceEnvironment());
        for (String variable : environment) {
            if (variable.indexOf(' ') >= 0) {
                throw new SandboxException("env: OSv takes the environment on its command line, which cannot hold the"
                        + " space in '" + variable + "'");
            }
            words.add("--env=" + variable);
        }
        words.addAll(GuestKernels.extraArguments());
        words.addAll(program);
        return String.join(" ", words);
    }

    /** OSv powers off whatever the program's status; it prints none. */
    @Override
    public MicrovmInstance.ExitReport exitReport() {
        return MicrovmInstance.ExitReport.NONE;
    }

    @Override
    public void requestStop(Path scratch, Process process) {
        QmpClient.quit(scratch.resolve(QMP_SOCKET));
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "QEMU pc (OSv " + toolchain.version() + ")");
        details.put("accelerator", accelerator.name() + (accelerator.kvm() ? "" : " (" + accelerator.reason() + ")"));
        return details;
    }
}
