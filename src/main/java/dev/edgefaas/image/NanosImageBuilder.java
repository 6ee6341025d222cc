package dev.edgefaas.image;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.LaunchSpec;
import dev.edgefaas.host.network.GuestNat;
import dev.edgefaas.image.ArtifactCache;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.image.Sha256;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Makes a function version's Nanos image with the toolchain's {@code mkfs}, from the same root
 * file system as its OCI bundle, and a manifest written here: every file of the tree, the
 * program and its arguments, the environment, and the fixed network settings of
 * {@link GuestNat}. Built once per version and shared read-only; nothing per instance is in it.
 */
public final class NanosImageBuilder {
    private final ArtifactCache cache;

    public NanosImageBuilder(Path cacheDirectory) {
        this.cache = new ArtifactCache(cacheDirectory, "Nanos image");
    }

    public GuestImage build(FunctionManifest manifest, RootfsBuilder.Rootfs rootfs, NanosToolchain toolchain) {
        String nanosManifest = manifest(manifest, rootfs);
        String digest = digest(nanosManifest, rootfs, toolchain);
        Path target = cache.getOrBuild(manifest.name().value(), digest, "nanos.img", staging -> {
            Files.writeString(staging.resolve("manifest"), nanosManifest);
            Process process = new ProcessBuilder(toolchain.mkfs().toString(), "-b", toolchain.bootImage().toString(),
                    "-k", toolchain.kernel().toString(), "-l", "edgefaas", staging.resolve("nanos.img").toString())
                    .redirectInput(staging.resolve("manifest").toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(staging.resolve("mkfs.log").toFile())
                    .start();
            if (process.waitFor() != 0) {
                throw new IOException("Nanos mkfs failed: " + Files.readString(staging.resolve("mkfs.log")).strip());
            }
        });
        return new GuestImage(null, target.resolve("nanos.img"), digest);
    }

    /** The Nanos manifest (its tuple syntax; every name and value quoted). */
    static String manifest(FunctionManifest manifest, RootfsBuilder.Rootfs rootfs) {
        StringBuilder text = new StringBuilder("(\n  children:(");
        children(rootfs.path(), text);
        // One image for every instance: the placeholders are what every instance has (its port behind the
        // NAT, all addresses); {callback} stays, since Nanos instances are probed, not called back.
        List<String> argv = LaunchSpec.expand(manifest.launch().argv(rootfs.args()), null, GuestNat.PORT, "0.0.0.0");
        text.append(")\n  program:").append(quote(argv.getFirst()));
        text.append("\n  arguments:[");
        text.append(String.join(" ", argv.stream().map(NanosImageBuilder::quote).toList()));
        text.append("]");
        if (!manifest.launch().workdir().isEmpty()) {
            text.append("\n  cwd:").append(quote(manifest.launch().workdir()));
        }
        text.append("\n  environment:(");
        List<String> environment = new ArrayList<>();
        environment(manifest).forEach((key, value) -> environment.add(quote(key) + ":" + quote(value)));
        text.append(String.join(" ", environment));
        // The program's exit ends the VM with its status (QEMU's isa-debug-exit): no reboot, no idling.
        text.append(")\n  debug_exit:t reboot_on_exit:[] idle_on_exit:[]");
        text.append("\n  en1:(ipaddr:").append(GuestNat.GUEST).append(" netmask:").append(GuestNat.NETMASK)
                .append(" gateway:").append(GuestNat.GATEWAY).append(")\n)\n");
        return text.toString();
    }

    /** The function's environment; no callback URL, since the Nanos backend probes its instances. */
    static Map<String, String> environment(FunctionManifest manifest) {
        // Sorted: the image's bytes must not depend on the order the variables were added in.
        Map<String, String> env = new TreeMap<>();
        env.putAll(InstanceEnvironment.ofVersion(manifest, "0.0.0.0", "/tmp"));
        env.put("PORT", Integer.toString(GuestNat.PORT));
        return env;
    }

    private static void children(Path directory, StringBuilder text) {
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.sorted().toList()) {
                text.append(quote(entry.getFileName().toString())).append(':');
                if (Files.isDirectory(entry)) {
                    text.append("(children:(");
                    children(entry, text);
                    text.append("))");
                } else {
                    text.append("(contents:(host:").append(quote(entry.toString())).append("))");
                }
                text.append(' ');
            }
        } catch (IOException e) {
            throw new SandboxException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    static String quote(String value) {
        if (value.indexOf('"') >= 0 || value.indexOf('\n') >= 0) {
            throw new SandboxException("a Nanos manifest cannot hold '" + value.replace("\n", "\\n")
                    + "': no double quote or newline in file names and env values");
        }
        return "\"" + value + "\"";
    }

    private static String digest(String nanosManifest, RootfsBuilder.Rootfs rootfs, NanosToolchain toolchain) {
        try {
            return Sha256.start().add(nanosManifest).add(rootfs.digest())
                    .addFile(toolchain.kernel()).addFile(toolchain.bootImage()).hex();
        } catch (IOException e) {
            throw new SandboxException("cannot read the Nanos toolchain in " + toolchain.directory() + ": " + e.getMessage(), e);
        }
    }
}
