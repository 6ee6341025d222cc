package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.testing.TestPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The periodic timers that a restore keeps standing still are found in the states real guests
 * leave, as QEMU saves them: every guest here leaves the PIT's channel 0 running, and Linux under
 * TCG (as on every machine here) ticks with its local APIC's timer too. Were they not found, each
 * clone would make up for the snapshot's whole wait, one period at a time.
 */
class PeriodicTimersOfRealGuestsTest {
    private TestPlatform platform;

    @AfterEach
    void close() {
        if (platform != null) {
            platform.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"nanos, 3", "osv, 3", "qemu-microvm, 6"})
    void theSavedGuestsPeriodicTimersAreFound(String sandbox, int times) throws Exception {
        Availability availability = SandboxCatalog.probeOnly().get(sandbox).probe();
        Assumptions.assumeTrue(availability.usable(), () -> sandbox + " cannot run here: " + availability.summary());
        platform = new TestPlatform(sandbox);
        platform.deploySample("hello-go", "hello", "\"keepalive\": \"0s\"");

        // The first start saves the snapshot.
        assertThat(platform.get("/function/hello/").statusCode()).isEqualTo(200);

        byte[] state = Files.readAllBytes(savedState());
        assertThat(PeriodicTimers.timesIn(state, MigrationStream.text(state)))
                .as("PIT channel 0 (load time, next transition, timer)%s", times > 3 ? " and the APIC timer" : "")
                .hasSize(times);
    }

    private Path savedState() throws Exception {
        try (Stream<Path> snapshots = Files.list(platform.platform().inMemory("snapshots"))) {
            List<Path> all = snapshots.toList();
            assertThat(all).hasSize(1);
            return all.getFirst().resolve("state");
        }
    }
}
