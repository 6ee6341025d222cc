package dev.edgefaas.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaperTest {
    @TempDir
    Path root;

    @Test
    void aLeftoverThatWillNotGoKeepsItsRecordAndTheOthersAreReaped() throws IOException {
        try (StateDirectory state = StateDirectory.open(root)) {
            leftover("stuck-1", "vm");
            leftover("gone-1", "vm");
            Consumer<InstanceRecord> vm = record -> {
                if (record.instanceId().startsWith("stuck")) {
                    throw new IllegalStateException("still has processes after SIGKILL");
                }
            };

            List<String> reaped = Reaper.reapLeftovers(state, Map.of("vm", vm));

            assertThat(reaped).containsExactly("gone-1");
            assertThat(Files.exists(root.resolve("instances/stuck-1.json"))).isTrue();
            assertThat(Files.exists(root.resolve("instances/gone-1.json"))).isFalse();
        }
    }

    @Test
    void aRecordWriteACrashCutShortIsRemovedAndTheWholeRecordBesideItIsReaped() throws IOException {
        try (StateDirectory state = StateDirectory.open(root)) {
            leftover("vmm-1", "vm");
            // Killed between writing the record's next text and moving it over the old one.
            Path unfinished = Files.writeString(root.resolve("instances/vmm-1.json" + InstanceRecord.UNFINISHED_SUFFIX),
                    "{\"id\":\"vmm-1\",\"backend\":\"vm\",\"pid");

            List<String> reaped = Reaper.reapLeftovers(state, Map.of("vm", record -> { }));

            assertThat(reaped).containsExactly("vmm-1");
            assertThat(unfinished).doesNotExist();
            try (var left = Files.list(root.resolve("instances"))) {
                assertThat(left).isEmpty();
            }
        }
    }

    /** A record as a crashed run leaves it: its owner is a process that no longer exists. */
    private void leftover(String id, String backend) throws IOException {
        Files.createDirectories(root.resolve("instances"));
        Files.writeString(root.resolve("instances").resolve(id + ".json"),
                "{\"id\":\"" + id + "\",\"backend\":\"" + backend + "\",\"owner-pid\":\"2147483646\",\"owner-started\":\"\"}");
    }
}
