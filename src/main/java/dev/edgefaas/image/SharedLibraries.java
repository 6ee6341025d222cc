package dev.edgefaas.image;

import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shared libraries a dynamically linked program loads, as {@code ldd} lists them. */
final class SharedLibraries {
    /** {@code libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)} or {@code /lib64/ld-linux-x86-64.so.2 (0x...)}. */
    private static final Pattern LIBRARY = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");

    private SharedLibraries() {
    }

    static List<Path> of(Path program) {
        try {
            Process ldd = new ProcessBuilder("ldd", program.toString()).redirectErrorStream(true).start();
            String output = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ldd.waitFor() != 0) {
                throw new SandboxException("ldd " + program + " failed: " + output.strip());
            }
            List<Path> libraries = new ArrayList<>();
            for (String line : output.split("\n")) {
                Matcher library = LIBRARY.matcher(line);
                if (library.find()) {
                    Path path = Path.of(library.group(1));
                    libraries.add(path);
                    // The loader resolves through symlinks: carry the real file under its listed name.
                    if (!Files.exists(path)) {
                        throw new SandboxException(program + " needs " + path + ", which is missing");
                    }
                }
            }
            return libraries;
        } catch (IOException e) {
            throw new SandboxException("cannot run ldd on " + program + ": apt-get install -y libc-bin", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while listing the libraries of " + program);
        }
    }
}
