package dev.edgefaas.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.platform.SampleFunctions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsBuilderTest {
    private final ManifestParser parser = new ManifestParser(ManifestDefaults.forHost("runc"));

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void theSameArtifactGivesTheSameTreeBytesModesAndTimes() throws Exception {
        FunctionManifest manifest = sample("read-go");

        RootfsBuilder.Rootfs one = new RootfsBuilder(first).build(manifest);
        RootfsBuilder.Rootfs two = new RootfsBuilder(second).build(manifest);

        assertThat(one.digest()).isEqualTo(two.digest());
        assertThat(RootfsBuilder.digestOfTree(one.path())).isEqualTo(RootfsBuilder.digestOfTree(two.path()));
    }

    @Test
    void aGoRootHoldsOnlyTheArtifactAndMountPoints() throws Exception {
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(first).build(sample("read-go"));

        try (Stream<Path> files = Files.walk(rootfs.path())) {
            assertThat(files.map(p -> "/" + rootfs.path().relativize(p)).filter(p -> !p.equals("/")))
                    .containsExactlyInAnyOrder("/app", "/app/function", "/app/data.bin", "/proc", "/dev", "/sys", "/tmp");
        }
        assertThat(rootfs.args()).containsExactly("/app/function");
        assertThat(Files.getPosixFilePermissions(rootfs.path().resolve("app/function")))
                .doesNotContain(PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aNodeRootHoldsNodeAndTheLibrariesItLoads() {
        RootfsBuilder.Rootfs rootfs = new RootfsBuilder(first).build(sample("hello-node"));

        Path node = Path.of(rootfs.args().getFirst());
        assertThat(rootfs.path().resolve(node.toString().substring(1))).isRegularFile();
        assertThat(rootfs.path().resolve("app/index.js")).isRegularFile();
        for (Path library : SharedLibraries.of(node)) {
            assertThat(rootfs.path().resolve(library.toString().substring(1))).isRegularFile();
        }
    }

    @Test
    void aSecondBuildOfTheSameVersionReusesTheFirst() {
        FunctionManifest manifest = sample("hello-go");

        RootfsBuilder.Rootfs one = new RootfsBuilder(first).build(manifest);
        RootfsBuilder.Rootfs again = new RootfsBuilder(first).build(manifest);

        assertThat(again.path()).isEqualTo(one.path());
    }

    private FunctionManifest sample(String name) {
        return parser.parse(name, SampleFunctions.manifest(name), SampleFunctions.functionsDirectory());
    }
}
