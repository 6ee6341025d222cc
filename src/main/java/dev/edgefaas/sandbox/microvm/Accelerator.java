package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * KVM where it can really run a guest, else QEMU's TCG. {@code /dev/kvm} existing proves little:
 * a nested or paravirtual KVM may accept a VM and then never run it. So a tiny guest is booted
 * once: a boot sector that writes to QEMU's debug-exit port. If QEMU does not exit with its
 * code within a short timeout, KVM is not used.
 */
public record Accelerator(String name, String reason) {
    private static final long PROBE_TIMEOUT_MILLIS = 3_000;
    /** QEMU exits with (value << 1) | 1 when the guest writes value to isa-debug-exit. */
    private static final int PROBE_VALUE = 0x2a;
    private static volatile Accelerator detected;

    public boolean kvm() {
        return name.equals("kvm");
    }

    /** For {@code doctor}: the accelerator and why it was chosen. */
    String describe() {
        return name + ": " + reason;
    }

    /** The {@code -accel} argument; TCG's translation cache is bounded, it is 1 GiB by default. */
    List<String> qemuArguments() {
        return kvm() ? List.of("-accel", "kvm", "-cpu", "host") : List.of("-accel", "tcg,tb-size=64");
    }

    /**
     * Probes once per JVM.
     *
     * @param qemu QEMU's path, to run the test guest with; null where there is none (a Firecracker-only host)
     */
    public static Accelerator detect(String qemu) {
        Accelerator result = detected;
        if (result == null) {
            synchronized (Accelerator.class) {
                if (detected == null) {
                    detected = probe(qemu);
                }
                result = detected;
            }
        }
        return result;
    }

    private static Accelerator probe(String qemu) {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            return new Accelerator("tcg", "no /dev/kvm");
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return new Accelerator("tcg", "/dev/kvm is not accessible to this user");
        }
        if (qemu == null) {
            return new Accelerator("kvm", "/dev/kvm is accessible (not test-booted: no QEMU here)");
        }
        Path directory = null;
        Process process = null;
        try {
            directory = Files.createTempDirectory("edgefaas-kvm-probe-");
            Path bootSector = directory.resolve("boot.img");
            Files.write(bootSector, bootSector());
            process = new ProcessBuilder(qemu, "-M", "pc", "-accel", "kvm", "-m", "16", "-nodefaults", "-no-user-config",
                    "-display", "none", "-drive", "file=" + bootSector + ",format=raw,if=floppy",
                    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
                    .redirectErrorStream(true).redirectOutput(directory.resolve("output").toFile()).start();
            if (!process.waitFor(PROBE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                return new Accelerator("tcg", "/dev/kvm is present but a test guest did not run within "
                        + PROBE_TIMEOUT_MILLIS + " ms (nested KVM that cannot run guests?)");
            }
            int expected = (PROBE_VALUE << 1) | 1;
            return process.exitValue() == expected
                    ? new Accelerator("kvm", "a test guest ran under KVM")
                    : new Accelerator("tcg", "a test guest under KVM failed: " + String.join(" ",
                            Files.readAllLines(directory.resolve("output"))).strip());
        } catch (IOException e) {
            return new Accelerator("tcg", "cannot probe KVM: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Accelerator("tcg", "KVM probe interrupted");
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            if (directory != null) {
                StateDirectory.deleteTree(directory);
            }
        }
    }

    /** mov al, 0x2a; out 0xf4, al; hlt; then the boot signature. */
    private static byte[] bootSector() {
        byte[] sector = new byte[512];
        byte[] code = {(byte) 0xB0, PROBE_VALUE, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4};
        System.arraycopy(code, 0, sector, 0, code.length);
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        return sector;
    }
}
