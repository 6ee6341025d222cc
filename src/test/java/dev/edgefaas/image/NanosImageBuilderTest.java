package dev.edgefaas.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.platform.SampleFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NanosImageBuilderTest {
    @TempDir
    Path directory;

    @AfterEach
    void forgetToolchain() {
        System.clearProperty("edgefaas.nanos.dir");
    }

    @Test
    void theManifestListsEveryFileTheProgramItsEnvironmentAndTheSharedNetworkSettings() {
        FunctionManifest manifest = new ManifestParser(ManifestDefaults.forHost("nanos"))
                .parse("reader", SampleFunctions.manifest("read-go"), SampleFunctions.functionsDirectory());
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(directory).build(manifest);

        String text = NanosImageBuilder.manifest(manifest, rootfs);

        assertThat(text).contains("\"app\":(children:(", "\"data.bin\":(contents:(host:\"" + rootfs.path().resolve("app/data.bin"),
                "program:\"/app/function\"", "arguments:[\"/app/function\"]", "\"PORT\":\"8080\"", "\"GOMAXPROCS\":\"1\"",
                "en1:(ipaddr:192.168.127.2 netmask:255.255.255.252 gateway:192.168.127.1)",
                "debug_exit:t reboot_on_exit:[] idle_on_exit:[]");
        assertThat(text).doesNotContain("EDGEFAAS_CALLBACK_URL");
    }

    @Test
    void aValueTheManifestSyntaxCannotHoldIsRefused() {
        assertThatThrownBy(() -> NanosImageBuilder.quote("say \"hi\"")).hasMessageContaining("double quote");
    }

    @Test
    void aToolchainIsFoundWhereConfiguredOnlyWhenComplete() throws IOException {
        System.setProperty("edgefaas.nanos.dir", directory.toString());
        Files.createFile(directory.resolve("kernel.img"));
        Files.createFile(directory.resolve("boot.img"));

        assertThat(NanosToolchain.find()).isEmpty();
        assertThat(NanosToolchain.whereLooked()).contains("EDGEFAAS_NANOS=" + directory, "kernel.img, boot.img, mkfs");

        Path mkfs = Files.createFile(directory.resolve("mkfs"));
        mkfs.toFile().setExecutable(true);

        assertThat(NanosToolchain.find()).hasValueSatisfying(t -> assertThat(t.mkfs()).isEqualTo(mkfs));
    }
}
