package dev.edgefaas.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.platform.SampleFunctions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest image from a real artifact with the real mke2fs: same input, same bytes. */
class GuestImageBuilderTest {
    @TempDir
    Path directory;

    @Test
    void buildingTheSameFunctionTwiceGivesTheSameInitramfsAndRootDisk() throws IOException {
        FunctionManifest manifest = manifest("{\"env\": {\"GREETING\": \"hi\"}}");
        GuestKernel kernel = new GuestKernel(Path.of("/unused/vmlinux"), "minimal", List.of(), false);
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(directory.resolve("rootfs")).build(manifest);

        GuestImage first = new GuestImageBuilder(directory.resolve("one")).build(manifest, rootfs, kernel, GuestArtifacts.guestInit());
        GuestImage second = new GuestImageBuilder(directory.resolve("two")).build(manifest, rootfs, kernel, GuestArtifacts.guestInit());

        assertThat(first.digest()).isEqualTo(second.digest());
        assertThat(sha256(first.initramfs())).isEqualTo(sha256(second.initramfs()));
        assertThat(sha256(first.rootDisk())).isEqualTo(sha256(second.rootDisk()));
        assertThat(Files.size(first.rootDisk())).isGreaterThan(Files.size(manifest.entryPoint()));
        String initramfs = new String(Files.readAllBytes(first.initramfs()), StandardCharsets.ISO_8859_1);
        assertThat(initramfs).contains("GREETING=hi\n", "/dev/vda\n", "/app/function\n");
    }

    @Test
    void anEnvironmentValueWithANewlineIsRefusedNamingTheField() {
        FunctionManifest manifest = manifest("{\"env\": {\"KEY\": \"two\\nlines\"}}");

        assertThatThrownBy(() -> GuestImageBuilder.environment(manifest)).hasMessageContaining("env.KEY");
    }

    private static FunctionManifest manifest(String overrides) {
        String sample = SampleFunctions.manifest("hello-go").strip();
        String merged = sample.substring(0, sample.length() - 1) + ", " + overrides.strip().substring(1);
        return new ManifestParser(ManifestDefaults.forHost("qemu-microvm"))
                .parse("image-test", merged, SampleFunctions.functionsDirectory());
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
