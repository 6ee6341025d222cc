package dev.edgefaas.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailureTest {
    private final TestPlatform platform = new TestPlatform();

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void anInstanceKilledBetweenRequestsIsReplacedAndTheNextRequestSucceeds() {
        platform.deploySample("hello-go", "victim", "");
        platform.get("/function/victim/");
        long pid = platform.instances("victim").getFirst().pid().orElseThrow();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        HttpResponse<String> next = platform.get("/function/victim/");

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("hello\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> platform.instances("victim").stream()
                .noneMatch(i -> i.pid().orElse(-1) == pid));
    }

    @Test
    void anInstanceKilledAfterItWasPickedIsRetriedOnceOnANewInstance() {
        // No time to notice the exit: kill and request at once, so the request may hit the corpse.
        platform.deploySample("hello-go", "racer", "");
        for (int round = 0; round < 5; round++) {
            platform.get("/function/racer/");
            long pid = platform.instances("racer").getFirst().pid().orElseThrow();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            assertThat(platform.get("/function/racer/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anInstanceThatRunsButAcceptsNoConnectionIsStoppedAndTheRequestAnsweredByANewOne() throws Exception {
        Path marker = Fixtures.temporaryDirectory().resolve("deaf");
        platform.deploy("deaf", Fixtures.nodeManifest(Fixtures.nodeFixture("goes-deaf.js"),
                "\"env\": {\"DEAF_MARKER\": \"" + marker + "\"}"));

        HttpResponse<String> response = platform.get("/function/deaf/");

        long deafPid = Long.parseLong(Files.readString(marker));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("hello from ").doesNotContain("from " + deafPid + "\n");
        // Alive, but no request could ever reach it: it must not stay to be picked again.
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(deafPid).isEmpty());
        assertThat(platform.instances("deaf")).singleElement()
                .satisfies(instance -> assertThat(instance.pid()).isNotEqualTo(OptionalLong.of(deafPid)));
    }

    @Test
    void aFunctionThatNeverCallsBackFailsAfterItsTimeoutAndLeavesNothingRunning() throws Exception {
        Path mute = Fixtures.script("mute", "echo 'starting but never ready'; sleep 600.4242 & wait");
        platform.deploy("mute", Fixtures.binaryManifest(mute, "\"ready-timeout\": \"1s\""));

        HttpResponse<String> response = platform.get("/function/mute/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("did not call back within 1000 ms", "starting but never ready");
        await().atMost(Duration.ofSeconds(5)).until(() -> platform.instances("mute").isEmpty());
        assertThat(processesRunning(mute.toString())).isZero();
        assertThat(processesRunning("sleep 600.4242")).isZero();
        assertThat(instanceFiles()).isZero();
    }

    @Test
    void aFunctionThatExitsAtStartReportsItsExitCodeAndOutput() {
        Path broken = Fixtures.script("broken", "echo 'config missing: DATABASE_URL' >&2; exit 3");
        platform.deploy("broken", Fixtures.binaryManifest(broken, ""));

        HttpResponse<String> response = platform.get("/function/broken/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("exited with code 3", "config missing: DATABASE_URL");
        assertThat(platform.instances("broken")).isEmpty();
    }

    private static long processesRunning(String commandLinePart) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(commandLinePart)).orElse(false))
                .count();
    }

    private long instanceFiles() throws Exception {
        try (var files = Files.list(platform.stateDirectory().resolve("instances"))) {
            return files.count();
        }
    }
}
