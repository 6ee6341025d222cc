package dev.edgefaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestParserTest {
    private final ManifestParser parser = new ManifestParser(new ManifestDefaults("process", 4096, 2));

    @TempDir
    Path directory;

    @Test
    void defaultsAreThePapersLimitsAndARelativeArtifactResolvesAgainstTheBase() throws IOException {
        Files.createDirectories(directory.resolve("node/hello"));
        Files.writeString(directory.resolve("node/hello/index.js"), "");

        FunctionManifest manifest = parser.parse("hello-node", "{\"runtime\": \"node\", \"artifact\": \"node/hello\"}", directory);

        assertThat(manifest.artifact()).isEqualTo(directory.resolve("node/hello"));
        assertThat(manifest.entryPoint()).isEqualTo(directory.resolve("node/hello/index.js"));
        assertThat(manifest.memoryMib()).isEqualTo(512);
        assertThat(manifest.vcpus()).isEqualTo(1.0);
        assertThat(manifest.sandbox()).isEqualTo("process");
        assertThat(manifest.readyTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(manifest.singleUse()).isFalse();
    }

    @Test
    void durationsAcceptUnitsAndBareSeconds() throws IOException {
        Files.writeString(directory.resolve("f.js"), "");

        FunctionManifest manifest = parser.parse("f", "{\"runtime\": \"node\", \"artifact\": \"f.js\","
                + " \"keepalive\": \"250ms\", \"ready-timeout\": 3, \"queue-timeout\": \"2m\"}", directory);

        assertThat(manifest.keepalive()).isEqualTo(Duration.ofMillis(250));
        assertThat(manifest.readyTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(manifest.queueTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aGoArtifactThatIsNotExecutableIsRejectedWithTheFix() throws IOException {
        Files.writeString(directory.resolve("function"), "not a binary");

        assertThatThrownBy(() -> parser.parse("f", "{\"runtime\": \"go\", \"artifact\": \"function\"}", directory))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("artifact:")
                .hasMessageContaining("chmod +x");
    }

    @Test
    void aNulCharacterInAPathOrAnEnvironmentValueIsRejectedNamingItsField() throws IOException {
        Files.writeString(directory.resolve("f.js"), "");

        assertThatThrownBy(() -> parser.parse("f", "{\"runtime\": \"binary\", \"artifact\": \"\\u0000\"}", directory))
                .isInstanceOf(ManifestException.class)
                .extracting(e -> ((ManifestException) e).field()).isEqualTo("artifact");
        assertThatThrownBy(() -> parser.parse("f", "{\"runtime\": \"node\", \"artifact\": \"f.js\","
                + " \"env\": {\"A\": \"x\\u0000y\"}}", directory))
                .isInstanceOf(ManifestException.class)
                .extracting(e -> ((ManifestException) e).field()).isEqualTo("env");
    }

    @Test
    void snapshotIsAutoUnlessSaidOffAndAnyOtherValueIsRejectedNamingBoth() throws IOException {
        Files.writeString(directory.resolve("f.js"), "");

        assertThat(parser.parse("f", "{\"runtime\": \"node\", \"artifact\": \"f.js\"}", directory).snapshot())
                .isEqualTo(FunctionManifest.Snapshot.AUTO);
        assertThat(parser.parse("f", "{\"runtime\": \"node\", \"artifact\": \"f.js\", \"snapshot\": \"off\"}",
                directory).snapshot()).isEqualTo(FunctionManifest.Snapshot.OFF);
        assertThatThrownBy(() -> parser.parse("f", "{\"runtime\": \"node\", \"artifact\": \"f.js\","
                + " \"snapshot\": \"always\"}", directory))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("use auto").hasMessageContaining("or off")
                .extracting(e -> ((ManifestException) e).field()).isEqualTo("snapshot");
    }

    @Test
    void snapshotPrimeIsOptionsAsteriskUnlessSaidOffOrAPathAndABrokenTargetIsRejected() throws IOException {
        Files.writeString(directory.resolve("f.js"), "");
        String manifest = "{\"runtime\": \"node\", \"artifact\": \"f.js\"%s}";

        assertThat(parser.parse("f", manifest.formatted(""), directory).snapshotPrime())
                .isEqualTo(new FunctionManifest.SnapshotPrime("OPTIONS", "*"));
        assertThat(parser.parse("f", manifest.formatted(", \"snapshot-prime\": \"off\""), directory).snapshotPrime()
                .off()).isTrue();
        FunctionManifest.SnapshotPrime path = parser.parse("f",
                manifest.formatted(", \"snapshot-prime\": \"/warm?full=1\""), directory).snapshotPrime();
        assertThat(path).isEqualTo(new FunctionManifest.SnapshotPrime("GET", "/warm?full=1"));
        assertThat(path.key()).isEqualTo("/warm?full=1");
        for (String broken : new String[] {"warm", "/a b", "/a\\r\\nX: y", "OPTIONS *"}) {
            assertThatThrownBy(() -> parser.parse("f", manifest.formatted(", \"snapshot-prime\": \"" + broken + "\""),
                    directory))
                    .as(broken)
                    .isInstanceOf(ManifestException.class)
                    .hasMessageContaining("use options").hasMessageContaining("a path to GET")
                    .extracting(e -> ((ManifestException) e).field()).isEqualTo("snapshot-prime");
        }
    }

    @Test
    void singleUseWithConcurrencyAboveOneIsRejected() throws IOException {
        Files.writeString(directory.resolve("f.js"), "");

        assertThatThrownBy(() -> parser.parse("f", "{\"runtime\": \"node\", \"artifact\": \"f.js\","
                + " \"single-use\": true, \"concurrency\": 4}", directory))
                .isInstanceOf(ManifestException.class)
                .extracting(e -> ((ManifestException) e).field()).isEqualTo("concurrency");
    }

    @Test
    void aNameThatDiffersFromTheDeployedNameIsRejected() throws IOException {
        Files.writeString(directory.resolve("f.js"), "");

        assertThatThrownBy(() -> parser.parse("a", "{\"name\": \"b\", \"runtime\": \"node\", \"artifact\": \"f.js\"}", directory))
                .hasMessageStartingWith("name:");
    }

    @Test
    void functionNamesAreShortDnsLabels() {
        assertThat(FunctionName.problemWith("hello-go")).isNull();
        assertThat(FunctionName.problemWith("../etc")).contains("DNS label");
        assertThat(FunctionName.problemWith("-x")).contains("DNS label");
        assertThat(FunctionName.problemWith("a".repeat(41))).contains("at most 40");
        assertThat(FunctionName.problemWith("")).contains("needs a name");
    }
}
