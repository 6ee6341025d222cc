package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import dev.edgefaas.host.network.AddressPool;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.image.GuestImage;
import dev.edgefaas.image.GuestKernel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {
    private static final GuestKernel MINIMAL = new GuestKernel(Path.of("/k/vmlinux"), "minimal", List.of(), false);
    private static final GuestImage IMAGE = new GuestImage(Path.of("/g/initramfs.cpio"), Path.of("/g/rootfs.ext4"), "ab");

    @Test
    void underTcgTheGuestIsToldTheTscRateAndTheTranslationCacheIsBounded() {
        List<String> arguments = command(new Accelerator("tcg", "test"), tap()).arguments("edgefaas-fn-1");

        assertThat(arguments).containsSequence("-accel", "tcg,tb-size=64");
        assertThat(append(arguments)).contains("tsc=reliable", "tsc_early_khz=");
    }

    @Test
    void underKvmTheHostCpuIsPassedAndNoClockHintIsNeeded() {
        List<String> arguments = command(new Accelerator("kvm", "test"), tap()).arguments("edgefaas-fn-1");

        assertThat(arguments).containsSequence("-accel", "kvm", "-cpu", "host");
        assertThat(append(arguments)).doesNotContain("tsc_early_khz");
    }

    @Test
    void aKernelWithoutAcpiGetsMicrovmWithoutAcpiAndTheRootDiskIsReadOnly() {
        List<String> arguments = command(new Accelerator("tcg", "test"), tap()).arguments("edgefaas-fn-1");

        assertThat(arguments).containsSequence("-M", "microvm,acpi=off");
        assertThat(arguments).contains("id=root,file=/g/rootfs.ext4,format=raw,if=none,readonly=on", "-no-reboot");
        assertThat(arguments).contains("virtio-net-device,netdev=net0,mac=02:ef:0a:e7:00:02");
        assertThat(append(arguments)).contains("ip=10.231.0.2::10.231.0.1:255.255.255.252::eth0:off", "PORT=8080");
    }

    @Test
    void theHostNetworkModeForwardsALoopbackPortToTheGuest() {
        QemuCommand command = command(new Accelerator("tcg", "test"), new GuestNetwork(null, 40123));

        assertThat(command.arguments("x")).contains("user,id=net0,hostfwd=tcp:127.0.0.1:40123-:8080");
        assertThat(command.kernelCommandLine()).contains("ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    }

    private static GuestNetwork tap() {
        return new GuestNetwork(new InstanceNetwork("ef1-1t", "ef1-1t", new AddressPool("10.231.0.0/16").allocate(), true), 0);
    }

    private static QemuCommand command(Accelerator accelerator, GuestNetwork network) {
        return new QemuCommand("qemu-system-x86_64", accelerator, MINIMAL, IMAGE, network, 1, 512, Path.of("/s/qmp.sock"),
                List.of("PORT=8080"));
    }

    private static String append(List<String> arguments) {
        return arguments.get(arguments.indexOf("-append") + 1);
    }
}
