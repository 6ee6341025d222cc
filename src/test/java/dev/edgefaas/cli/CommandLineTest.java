package dev.edgefaas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.TestPlatform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI against a real platform: what a user types and reads. */
class CommandLineTest {
    private final TestPlatform platform = new TestPlatform();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;

    @TempDir
    Path directory;

    @AfterEach
    void close() {
        System.setOut(originalOut);
        platform.close();
    }

    @Test
    void deployInvokeListInstancesAndRemoveWorkAgainstARunningPlatform() throws Exception {
        Path manifest = directory.resolve("greeter.json");
        Path hello = Fixtures.goSample("hello").getParent();
        Files.writeString(manifest, "{\"runtime\": \"go\", \"artifact\": \"" + directory.relativize(hello) + "\"}");
        String admin = "--admin=http://127.0.0.1:" + platform.platform().adminPort();
        String gateway = "--url=http://127.0.0.1:" + platform.platform().port();

        assertThat(run("deploy", manifest.toString(), admin)).isZero();
        assertThat(run("invoke", "greeter", "-i", gateway)).isZero();
        assertThat(run("list", admin)).isZero();
        assertThat(run("instances", admin)).isZero();
        // The line the instance printed may still be on its way through the pipe.
        await().atMost(Duration.ofSeconds(10)).until(() -> !platform.platform().dispatcher().log("greeter").orElseThrow()
                .tail(1, Optional.empty()).isEmpty());
        assertThat(run("logs", "greeter", "--tail", "5", admin)).isZero();
        assertThat(run("rm", "greeter", admin)).isZero();

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("deployed greeter version ", "(go on process)", "hello", "removed greeter").containsIgnoringCase("X-Start: cold");
        assertThat(printed.lines().filter(l -> l.startsWith("greeter "))).hasSize(1);
        assertThat(printed.lines().filter(l -> l.startsWith("greeter-"))).hasSize(1);
        assertThat(printed.lines().filter(l -> l.matches("\\S+Z greeter-[0-9a-f]+ listening on :\\d+"))).hasSize(1);
        assertThat(platform.platform().dispatcher().functions()).isEmpty();
    }

    @Test
    void invokeAsyncPrintsAnIdThatAsyncWaitResultTurnsIntoTheAnswer() {
        platform.deploySample("hello-go", "greeter", "");
        String admin = "--admin=http://127.0.0.1:" + platform.platform().adminPort();

        assertThat(run("invoke", "greeter", "?echo=1", "--async", "-d", "hi",
                "--url=http://127.0.0.1:" + platform.platform().port())).isZero();
        String id = out.toString(StandardCharsets.UTF_8).strip();
        out.reset();
        assertThat(run("async", id, "--wait", "--result", admin)).isZero();

        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"X-Edgefaas-Invocation\":[\"" + id + "\"]")
                .contains("\"bodyBytes\":2");
    }

    @Test
    void whatThePlatformRefusesIsAMessageNotAStackTrace() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        int status = commandLine.execute("logs", "nobody", "--admin=http://127.0.0.1:" + platform.platform().adminPort());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("edgefaas logs: no function named 'nobody' is deployed" + System.lineSeparator());
    }

    @Test
    void doctorNamesEveryBackendWithUsableOrUnusableAndExitsZero() {
        assertThat(run("doctor")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith(" ")))
                .isNotEmpty()
                .allMatch(l -> l.matches("[a-z0-9-]+ (usable|unusable: ).*"))
                .anyMatch(l -> l.startsWith("process usable"));
    }

    private int run(String... args) {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return Main.commandLine().execute(args);
        } finally {
            System.setOut(originalOut);
        }
    }
}
