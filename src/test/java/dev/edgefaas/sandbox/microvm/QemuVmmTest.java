package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgefaas.host.network.AddressPool;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import dev.edgefaas.image.NanosToolchain;
import dev.edgefaas.image.OsvToolchain;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command lines of the one QEMU VMM, per guest configuration. */
class QemuVmmTest {
    private static final GuestKernel MINIMAL = new GuestKernel(Path.of("/k/vmlinux"), "minimal", List.of(), false);
    private static final GuestImage IMAGE = new GuestImage(Path.of("/g/initramfs.cpio"), Path.of("/g/rootfs.ext4"), "ab");
    private static final Accelerator TCG = new Accelerator("tcg", "test");

    @Test
    void underTcgTheGuestIsToldTheTscRateAndTheTranslationCacheIsBounded() {
        List<String> arguments = linux(TCG, tap());

        assertThat(arguments).containsSequence("-accel", "tcg,tb-size=64");
        assertThat(append(arguments)).contains("tsc=reliable", "tsc_early_khz=");
    }

    @Test
    void underKvmTheHostCpuIsPassedAndNoClockHintIsNeeded() {
        List<String> arguments = linux(new Accelerator("kvm", "test"), tap());

        assertThat(arguments).containsSequence("-accel", "kvm", "-cpu", "host");
        assertThat(append(arguments)).doesNotContain("tsc_early_khz");
    }

    @Test
    void aKernelWithoutAcpiGetsMicrovmWithoutAcpiAndTheRootDiskIsReadOnly() {
        List<String> arguments = linux(TCG, tap());

        assertThat(arguments).containsSequence("-M", "microvm,acpi=off");
        assertThat(arguments).containsSequence("-initrd", "/g/initramfs.cpio");
        assertThat(arguments).contains("id=root,file=/g/rootfs.ext4,format=raw,if=none,readonly=on", "-no-reboot");
        assertThat(arguments).contains("virtio-blk-device,drive=root", "virtio-net-device,netdev=net0,mac=02:ef:0a:e7:00:02");
        assertThat(append(arguments)).contains("ip=10.231.0.2::10.231.0.1:255.255.255.252::eth0:off", "PORT=8080");
    }

    @Test
    void theHostNetworkModeForwardsALoopbackPortToTheGuest() {
        List<String> arguments = linux(TCG, new GuestNetwork(null, 40123, 8080));

        assertThat(arguments).contains("user,id=net0,hostfwd=tcp:127.0.0.1:40123-:8080");
        assertThat(append(arguments)).contains("ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    }

    @Test
    void nanosBootsItsOwnDiskInsideItsNamespaceOnPciWithDebugExitAndIsProbed() {
        QemuVmm vmm = new QemuVmm("qemu-system-x86_64", TCG, QemuGuest.nanos(new NanosToolchain(Path.of("/n"), "0.1")));
        GuestNetwork nat = new GuestNetwork(new InstanceNetwork("ef1-n1", GuestNat.TAP, null, true), 0, 8080);

        List<String> arguments = vmm.command(launch(nat));

        assertThat(arguments.subList(0, 5)).containsExactly("ip", "netns", "exec", "ef1-n1", "qemu-system-x86_64");
        assertThat(arguments).containsSequence("-M", "pc").contains("isa-debug-exit", "virtio-net-pci,netdev=net0,mac=" + GuestNat.GUEST_MAC + ",romfile=")
                .doesNotContain("-kernel", "-append");
        assertThat(vmm.probesReadiness()).isTrue();
        assertThat(vmm.exitReport()).isEqualTo(MicrovmInstance.ExitReport.DEBUG_EXIT);
    }

    @Test
    void aQemuThatRestoresRunsWithItsHeapKeptAndOneThatBootsAsUsual() {
        QemuGuest nanos = QemuGuest.nanos(new NanosToolchain(Path.of("/n"), "0.1"));
        QemuVmm vmm = new QemuVmm("qemu-system-x86_64", TCG, nanos, new KeptHeap(Path.of("/b/vmm/keep-heap.so")));
        GuestNetwork nat = new GuestNetwork(new InstanceNetwork("ef1-n1", GuestNat.TAP, null, true), 0, 8080);

        List<String> restoring = vmm.command(launch(nat, Vmm.GuestMemory.restoring(Path.of("/snap/ram"))));

        assertThat(restoring.subList(0, 8)).containsExactly("ip", "netns", "exec", "ef1-n1", "env",
                "LD_PRELOAD=/b/vmm/keep-heap.so", "GLIBC_TUNABLES=glibc.malloc.arena_max=1", "qemu-system-x86_64");
        assertThat(vmm.command(launch(nat, Vmm.GuestMemory.saving(Path.of("/snap/ram"))))).doesNotContain("env")
                .noneMatch(argument -> argument.startsWith("LD_PRELOAD="));
        assertThat(vmm.details().get("restoring heap")).contains("/b/vmm/keep-heap.so preloaded");
        QemuVmm withoutLibrary = new QemuVmm("qemu-system-x86_64", TCG, nanos, new KeptHeap(null));
        assertThat(withoutLibrary.command(launch(nat, Vmm.GuestMemory.restoring(Path.of("/snap/ram")))))
                .as("where the build made no library").doesNotContain("env").containsSequence("-incoming", "defer");
        assertThat(withoutLibrary.details().get("restoring heap")).contains("gcc", "restores are slower");
    }

    @Test
    void osvBootsItsKernelOnPcWithEveryInstanceSettingOnItsCommandLine() {
        QemuVmm vmm = new QemuVmm("qemu-system-x86_64", TCG, QemuGuest.osv(new OsvToolchain(Path.of("/o"), "0.57"),
                List.of("HOST=0.0.0.0"), "", List.of("/app/function.pie"), false));

        List<String> arguments = vmm.command(launch(tap()));

        assertThat(arguments).containsSequence("-M", "pc").containsSequence("-kernel", "/k/vmlinux")
                .contains("virtio-blk-pci,drive=root").doesNotContain("-initrd");
        assertThat(arguments).as("the NIC without its network boot ROM").anyMatch(a -> a.startsWith("virtio-net-pci,") && a.endsWith(",romfile="));
        assertThat(append(arguments)).startsWith("--rootfs=rofs --norandom --ip=eth0,10.231.0.2,255.255.255.252")
                .contains("--env=HOST=0.0.0.0", "--env=PORT=8080").endsWith("/app/function.pie");
        assertThat(vmm.probesReadiness()).isFalse();
    }

    @Test
    void osvRunsAnOwnCommandWithItsPlaceholdersFilledInAndItsWorkingDirectory() {
        QemuVmm vmm = new QemuVmm("qemu-system-x86_64", TCG, QemuGuest.osv(new OsvToolchain(Path.of("/o"), "0.57"),
                List.of(), "/srv", List.of("/srv/app", "{callback}", "--listen={host}:{port}"), false));

        assertThat(append(vmm.command(launch(tap())))).contains("--cwd=/srv")
                .endsWith("/srv/app http://10.231.0.1:9/ready/fn-1 --listen=0.0.0.0:8080");
    }

    @Test
    void osvRefusesASpaceItsCommandLineCannotHoldWhenTheFunctionIsPrepared() {
        assertThatThrownBy(() -> QemuGuest.osv(new OsvToolchain(Path.of("/o"), "0.57"), List.of("GREETING=hello world"),
                "", List.of("/app/function.pie"), false)).hasMessageStartingWith("env: ").hasMessageContaining("'GREETING=hello world'");
        assertThatThrownBy(() -> QemuGuest.osv(new OsvToolchain(Path.of("/o"), "0.57"), List.of(), "",
                List.of("/app/function.pie", "two words"), false)).hasMessageStartingWith("command, args: ");
    }

    private static List<String> linux(Accelerator accelerator, GuestNetwork network) {
        return new QemuVmm("qemu-system-x86_64", accelerator, QemuGuest.linux(accelerator, false)).command(launch(network));
    }

    private static Vmm.MicrovmLaunch launch(GuestNetwork network) {
        return launch(network, Vmm.GuestMemory.ANONYMOUS);
    }

    private static Vmm.MicrovmLaunch launch(GuestNetwork network, Vmm.GuestMemory memory) {
        return new Vmm.MicrovmLaunch("fn-1", MINIMAL, IMAGE, network, 1, 512, Path.of("/s"),
                List.of("PORT=8080", "EDGEFAAS_CALLBACK_URL=http://10.231.0.1:9/ready/fn-1"), memory);
    }

    private static GuestNetwork tap() {
        return new GuestNetwork(new InstanceNetwork("ef1-1t", "ef1-1t", new AddressPool("10.231.0.0/16").allocate(), true), 0, 8080);
    }

    private static String append(List<String> arguments) {
        return arguments.get(arguments.indexOf("-append") + 1);
    }
}
