package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgefaas.function.ReadinessCheck;
import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start transaction undoes what it took when a step fails, in reverse order, and reports
 * one failure naming the instance. The resources are the test's own (a list of releases); the
 * failing spawn is a real one, of a program that does not exist.
 */
class InstanceStartTest {
    private Path stateRoot;
    private StateDirectory state;
    private final List<String> released = new ArrayList<>();

    @BeforeEach
    void openState() throws IOException {
        stateRoot = Files.createTempDirectory("edgefaas-start-test-");
        state = StateDirectory.open(stateRoot);
    }

    @AfterEach
    void deleteState() {
        StateDirectory.deleteTree(stateRoot);
    }

    private InstanceRequest request(String id) {
        return new InstanceRequest(id, 1, new Readiness(), new ColdStartPhases(), state.newRecord(id, "test"),
                state.instanceDirectory(id));
    }

    @Test
    void aFailedSpawnReleasesEverythingTakenInReverseOrderAndNamesTheInstance() {
        InstanceRequest request = request("t-1");

        assertThatThrownBy(() -> InstanceStart.run(request, "instance t-1 of function t", start -> {
            start.take(() -> "cgroup", released::add);
            start.take(() -> "network", released::add);
            start.onFailure(() -> released.add("container"));
            start.spawn(new ProcessBuilder("/nonexistent/edgefaas-test-binary"), request.scratch().resolve("out.log"));
            throw new AssertionError("the spawn should have failed");
        }))
                .isInstanceOf(SandboxException.class)
                .hasMessageStartingWith("cannot start instance t-1 of function t: ")
                .hasMessageContaining("/nonexistent/edgefaas-test-binary");
        assertThat(released).containsExactly("container", "network", "cgroup");
        assertThat(request.phases().phases()).extracting(ColdStartPhases.Phase::name).containsExactly("prepare");
    }

    @Test
    void aSandboxExceptionFromAStepIsThrownAsItIsAndAFailingUndoIsSuppressedOnIt() {
        SandboxException refusal = new SandboxException("no address left: widen the pool");

        assertThatThrownBy(() -> InstanceStart.run(request("t-2"), "instance t-2", start -> {
            start.take(() -> "cgroup", released::add);
            start.onFailure(() -> {
                throw new IllegalStateException("the undo failed too");
            });
            throw refusal;
        }))
                .isSameAs(refusal)
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("the undo failed too"));
        assertThat(released).containsExactly("cgroup");
    }

    @Test
    void aSpawnedProcessIsKilledWhenALaterStepFails() throws Exception {
        InstanceRequest request = request("t-3");
        List<Process> spawned = new ArrayList<>();

        assertThatThrownBy(() -> InstanceStart.run(request, "instance t-3", start -> {
            spawned.add(start.spawn(new ProcessBuilder("sleep", "60"), request.scratch().resolve("out.log")));
            throw new IOException("the bundle could not be written");
        })).hasMessage("cannot start instance t-3: the bundle could not be written");

        assertThat(spawned.getFirst().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(request.record().get(InstanceStart.RECORD_PID)).hasValue(Long.toString(spawned.getFirst().pid()));
    }

    @Test
    void awaitingBeforeTheHandOverIsAProgrammingError() {
        assertThatThrownBy(() -> InstanceStart.run(request("t-4"), "instance t-4",
                start -> start.awaitReady(Duration.ofSeconds(1), ReadinessCheck.CALLBACK)))
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }
}
