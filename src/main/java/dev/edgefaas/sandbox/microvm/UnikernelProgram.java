package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.LaunchSpec;
import dev.edgefaas.image.ElfFile;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The program of a manifest's own command (an image's entry point, or {@code command}) as a
 * unikernel sees it: a unikernel has no shell, no PATH and one user, so the program must be an
 * ELF binary given by its absolute path in the function's root file system, and no user can be
 * asked for. What kind of ELF binary it runs is each unikernel's own rule.
 *
 * @param path the program's absolute path inside the root file system
 */
record UnikernelProgram(String path, ElfFile elf) {
    /** What a unikernel tells a manifest with a launch it cannot run. */
    static final String LAUNCH_FIX = "run an app with its own command on process, runc, crun, runsc or qemu-microvm";

    /** Refuses a {@code user}: a unikernel has one. */
    static void requireNoUser(String unikernel, LaunchSpec launch) {
        if (!launch.user().isEmpty()) {
            throw new SandboxException("user: a " + unikernel + " program runs as the unikernel's only user; drop it, or "
                    + LAUNCH_FIX);
        }
    }

    /**
     * The program {@code manifest}'s own command runs in {@code rootfs}, checked for what every
     * unikernel needs; {@code unikernel} is the sandbox's name as a sentence shows it.
     */
    static UnikernelProgram of(String unikernel, FunctionManifest manifest, RootfsBuilder.Rootfs rootfs) {
        String program = manifest.launch().command().getFirst();
        String notElf = "command: " + unikernel + " runs an ELF binary given by its absolute path, and " + program
                + " is not one (a script, or a name to look up on PATH); " + LAUNCH_FIX;
        if (!program.startsWith("/")) {
            throw new SandboxException(notElf);
        }
        Path file = rootfs.path().resolve(program.substring(1));
        if (!Files.isRegularFile(file)) {
            throw new SandboxException("command: " + program + " is not in the function's root file system; give the"
                    + " program's absolute path inside it");
        }
        try {
            return new UnikernelProgram(program, ElfFile.read(file).orElseThrow(() -> new SandboxException(notElf)));
        } catch (IOException e) {
            throw new SandboxException("command: cannot read " + program + " in the function's root file system: "
                    + e.getMessage(), e);
        }
    }
}
