package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.LaunchSpec;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.image.GuestKernels;
import dev.edgefaas.image.NanosToolchain;
import dev.edgefaas.image.OsvToolchain;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.SandboxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * How one kind of guest boots on QEMU: the value that makes {@link QemuVmm} a Linux microVM,
 * Nanos or OSv, the way {@code OciRuntime} makes the OCI backend runc, crun or runsc. Immutable.
 *
 * @param sandbox         the sandbox's name
 * @param microvm         {@code -M microvm} (virtio-mmio devices) rather than {@code -M pc} (virtio-pci)
 * @param boot            what QEMU loads: kernel and initramfs, a kernel, or the disk's own boot loader
 * @param commandLine     the kernel's command line of one launch; unused for {@link Boot#DISK}
 * @param sharedAddress   every guest has the image's address, so QEMU runs inside a {@link GuestNat}
 *                        namespace on its fixed tap and readiness is probed; else a tap (or a
 *                        loopback port) and a MAC of its own, and a callback
 * @param extraDevices    {@code -device} values beyond disk and network
 * @param exitReport      how the guest reports its function's exit status
 * @param details         what instance details say of this guest beyond the accelerator
 */
record QemuGuest(String sandbox, boolean microvm, Boot boot, Function<Vmm.MicrovmLaunch, String> commandLine,
                 boolean sharedAddress, List<String> extraDevices, MicrovmInstance.ExitReport exitReport,
                 Map<String, String> details) {

    /** What QEMU boots. */
    enum Boot { KERNEL_AND_INITRAMFS, KERNEL, DISK }

    QemuGuest {
        extraDevices = List.copyOf(extraDevices);
        details = Map.copyOf(details);
    }

    /**
     * A Linux guest on {@code -M microvm}: kernel and initramfs booted directly, settings on the
     * kernel command line.
     *
     * @param behindNat every guest has the same address in a namespace of its own (so that clones
     *                  of a snapshot can share it), and is probed; else a tap and a callback
     */
    static QemuGuest linux(Accelerator accelerator, boolean behindNat) {
        return new QemuGuest(QemuMicrovmBackend.NAME, true, Boot.KERNEL_AND_INITRAMFS,
                launch -> linuxCommandLine(launch, accelerator), behindNat, linuxDevices(behindNat),
                MicrovmInstance.ExitReport.CONSOLE, Map.of("vmm", "QEMU microvm"));
    }

    /**
     * Entropy from the host; and for guests that are snapshotted, a VM generation ID that each
     * QEMU makes anew ({@code guid=auto}) and a restore announces, so that a kernel with
     * {@code CONFIG_VMGENID} (and ACPI) reseeds its random generator rather than go on where
     * the snapshot left it, as every clone would.
     */
    private static List<String> linuxDevices(boolean behindNat) {
        return behindNat ? List.of("virtio-rng-device", "vmgenid,guid=auto") : List.of("virtio-rng-device");
    }

    /**
     * Nanos on {@code -M pc}, booting the image through its own loader: this Nanos's kernel does
     * not start under QEMU's direct (PVH) boot here, and that path would pass it no command line
     * anyway. The image sets debug_exit, so the program's status comes back as QEMU's.
     */
    static QemuGuest nanos(NanosToolchain toolchain) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "QEMU pc (Nanos " + toolchain.version() + ")");
        details.put("readiness", "port probe (a Nanos image cannot carry a per-instance callback URL)");
        return new QemuGuest(NanosBackend.NAME, false, Boot.DISK, launch -> "", true, List.of("isa-debug-exit"),
                MicrovmInstance.ExitReport.DEBUG_EXIT, details);
    }

    /**
     * OSv on {@code -M pc}, whose HPET gives OSv a clock under TCG ({@code microvm} has none
     * without KVM), its kernel booted directly; every per-instance setting goes on OSv's command
     * line. OSv powers off whatever the program's status, and prints none.
     *
     * @param workdir   the program's working directory; empty for OSv's default, /
     * @param behindNat as for {@link #linux}
     */
    static QemuGuest osv(OsvToolchain toolchain, List<String> functionEnvironment, String workdir, List<String> program,
                         boolean behindNat) {
        List<String> environment = List.copyOf(functionEnvironment);
        List<String> words = List.copyOf(program);
        // Refused when the function is deployed, not when an instance starts.
        environment.forEach(variable -> requireOneWord("env", variable));
        requireOneWord("workdir", workdir);
        words.forEach(word -> requireOneWord("command, args", word));
        return new QemuGuest(OsvBackend.NAME, false, Boot.KERNEL, launch -> osvCommandLine(launch, environment, workdir,
                words), behindNat, List.of(), MicrovmInstance.ExitReport.NONE,
                Map.of("vmm", "QEMU pc (OSv " + toolchain.version() + ")"));
    }

    /**
     * {@code quiet} because every console byte is a VM exit, {@code reboot=t panic=-1} so that
     * the guest's end is QEMU's end; per-instance settings as KEY=VALUE, which the kernel hands
     * to init as its environment.
     */
    static String linuxCommandLine(Vmm.MicrovmLaunch launch, Accelerator accelerator) {
        // no_timer_check: on a loaded host the emulated timer can miss Linux's boot-time IO-APIC
        // check, which then panics ("IO-APIC + timer doesn't work!"); a VM's timer needs no check.
        List<String> parameters = new ArrayList<>(List.of("console=ttyS0", "quiet", "reboot=t", "panic=-1",
                "no_timer_check", "ip=" + launch.network().kernelIpParameter()));
        if (!accelerator.kvm()) {
            OptionalLong khz = TscFrequency.kilohertz();
            if (khz.isPresent()) {
                parameters.add("tsc_early_khz=" + khz.getAsLong());
                parameters.add("tsc=reliable");
            }
        }
        parameters.addAll(GuestKernels.extraArguments());
        parameters.addAll(launch.instanceEnvironment());
        return String.join(" ", parameters);
    }

    /** OSv's options, then the program: {@code --rootfs=rofs --ip=eth0,IP,MASK --defaultgw=GW --env=K=V ... PROGRAM ARGS}. */
    static String osvCommandLine(Vmm.MicrovmLaunch launch, List<String> functionEnvironment, String workdir,
                                 List<String> program) {
        GuestNetwork network = launch.network();
        List<String> words = new ArrayList<>(List.of("--rootfs=rofs", "--norandom",
                "--ip=eth0," + network.guestAddress() + "," + network.netmask(), "--defaultgw=" + network.hostAddress()));
        List<String> environment = new ArrayList<>(functionEnvironment);
        environment.addAll(launch.instanceEnvironment());
        for (String variable : environment) {
            words.add("--env=" + variable);
        }
        if (!workdir.isEmpty()) {
            words.add("--cwd=" + workdir);
        }
        words.addAll(GuestKernels.extraArguments());
        // OSv has no init to fill the placeholders in: the command line carries them filled.
        List<String> argv = LaunchSpec.expand(program, launch.setting(InstanceEnvironment.CALLBACK_URL),
                Integer.parseInt(launch.setting("PORT")), "0.0.0.0");
        words.addAll(argv);
        return String.join(" ", words);
    }

    private static void requireOneWord(String field, String value) {
        if (value.indexOf(' ') >= 0) {
            throw new SandboxException(field + ": OSv takes it on its command line, which cannot hold the space in '"
                    + value + "'");
        }
    }
}
