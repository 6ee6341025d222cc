package dev.edgefaas.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest's command, args, port and readiness: parsed with field-named errors, expanded per instance. */
class LaunchSpecTest {
    private final ManifestParser parser = new ManifestParser(new ManifestDefaults("process", 4096, 2));

    @TempDir
    Path directory;

    private FunctionManifest parse(String members) throws IOException {
        Files.writeString(directory.resolve("app.js"), "");
        return parser.parse("app", "{\"runtime\": \"node\", \"artifact\": \"app.js\"" + members + "}", directory);
    }

    @Test
    void withoutTheKeysAFunctionKeepsTheEdgefaasContract() throws IOException {
        assertThat(parse("").launch()).isEqualTo(LaunchSpec.CONTRACT);
        assertThat(LaunchSpec.CONTRACT.overridesLaunch()).isFalse();
    }

    @Test
    void commandArgsPortAndReadinessAreRead() throws IOException {
        LaunchSpec launch = parse(", \"command\": [\"node\", \"server.js\"], \"args\": [\"{callback}\"], \"port\": 3000,"
                + " \"readiness\": \"http:/healthz\"").launch();

        assertThat(launch.argv(List.of("/usr/bin/node", "/app/app.js"))).containsExactly("node", "server.js", "{callback}");
        assertThat(launch.port()).isEqualTo(3000);
        assertThat(launch.readiness()).isEqualTo(new ReadinessCheck(ReadinessCheck.Kind.HTTP, "/healthz"));
        assertThat(launch.readiness().key()).isEqualTo("http:/healthz");
    }

    @Test
    void argsAloneFollowTheRuntimesLaunchOfTheEntryPoint() throws IOException {
        LaunchSpec launch = parse(", \"args\": [\"--verbose\"]").launch();

        assertThat(launch.argv(List.of("/usr/bin/node", "/app/app.js"))).containsExactly("/usr/bin/node", "/app/app.js",
                "--verbose");
        assertThat(launch.ownCommand()).isFalse();
        assertThat(launch.overridesLaunch()).isTrue();
    }

    @Test
    void placeholdersAreFilledInPerInstanceAndOtherBracesStay() {
        List<String> argv = LaunchSpec.expand(List.of("app", "{callback}", "--listen={host}:{port}", "{\"json\": 1}"),
                "http://10.0.0.1:9/ready/app-1", 8080, "0.0.0.0");

        assertThat(argv).containsExactly("app", "http://10.0.0.1:9/ready/app-1", "--listen=0.0.0.0:8080", "{\"json\": 1}");
        assertThat(LaunchSpec.expand(List.of("{callback}"), null, 1, "h")).containsExactly("{callback}");
    }

    @Test
    void badValuesAreRefusedNamingTheFieldAndTheFix() {
        assertThatThrownBy(() -> parse(", \"command\": \"node server.js\"")).isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("command: must be an array of strings");
        assertThatThrownBy(() -> parse(", \"command\": [\"\"]")).hasMessageStartingWith("command: its first element");
        assertThatThrownBy(() -> parse(", \"args\": [1]")).hasMessageStartingWith("args: must hold only strings");
        assertThatThrownBy(() -> parse(", \"args\": [\"a\\nb\"]")).hasMessageStartingWith("args: element 0 has a line break");
        assertThatThrownBy(() -> parse(", \"port\": 0")).hasMessageStartingWith("port: must be a whole number from 1 to 65535");
        assertThatThrownBy(() -> parse(", \"port\": \"8080\"")).hasMessageStartingWith("port: must be a whole number");
        assertThatThrownBy(() -> parse(", \"readiness\": \"ping\"")).hasMessageStartingWith("readiness: 'ping' is not")
                .hasMessageContaining("callback").hasMessageContaining("tcp").hasMessageContaining("http:/path");
        assertThatThrownBy(() -> parse(", \"readiness\": \"http:healthz\"")).hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> parse(", \"readiness\": \"http:/a b\"")).hasMessageContaining("no spaces");
        assertThatThrownBy(() -> parse(", \"readiness\": true")).hasMessageStartingWith("readiness: must be a string");
    }
}
