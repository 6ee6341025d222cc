package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many VMMs wait for a snapshot's clones: the node's spare count, and a single-use
 * function's max-instances while it is in use. The pool's processes here are real ones that
 * wait like a standby VMM does (a {@code sleep}); what QEMU does as one, {@code SnapshotRestoreTest} shows.
 */
class StandbyVmmsTest {
    private static final Duration IN_USE_FOR = Duration.ofMillis(500);

    @TempDir
    Path directory;
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private final AtomicInteger serial = new AtomicInteger();
    private StandbyVmms pool;
    private StateDirectory state;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
        started.forEach(Process::destroyForcibly);
        if (state != null) {
            state.close();
        }
    }

    @Test
    void aSingleUseFunctionKeepsAsManyAsItsMaxInstancesAtMostSixteenAndOtherFunctionsTheSpareCount() throws IOException {
        assertThat(StandbyVmms.Sizes.of(manifest(", \"single-use\": true, \"concurrency\": 1, \"max-instances\": 10"), 4))
                .isEqualTo(new StandbyVmms.Sizes(4, 10));
        assertThat(StandbyVmms.Sizes.of(manifest(", \"single-use\": true, \"concurrency\": 1, \"max-instances\": 100"), 4))
                .isEqualTo(new StandbyVmms.Sizes(4, StandbyVmms.Sizes.MAX_BURST));
        assertThat(StandbyVmms.Sizes.of(manifest(", \"single-use\": true, \"concurrency\": 1, \"max-instances\": 2"), 4))
                .isEqualTo(new StandbyVmms.Sizes(4, 4));
        assertThat(StandbyVmms.Sizes.of(manifest(", \"max-instances\": 10"), 4)).isEqualTo(new StandbyVmms.Sizes(4, 4));
        // A node that keeps none keeps none for anyone.
        assertThat(StandbyVmms.Sizes.of(manifest(", \"single-use\": true, \"concurrency\": 1"), 0))
                .isEqualTo(new StandbyVmms.Sizes(0, 0));
        assertThatThrownBy(() -> new StandbyVmms.Sizes(4, 2)).hasMessageContaining("spare 4, burst 2");
    }

    @Test
    void theBurstWaitsWhileInUseAndTheExtraOnesGoOnceNoRestoreTookOneForAWhile() {
        pool = new StandbyVmms(new StandbyVmms.Sizes(1, 3), IN_USE_FOR, "test-version");
        restoreOnce();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 3);
        List<Process> burst = List.copyOf(started);

        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 1);
        assertThat(pool.target()).isEqualTo(1);
        // The one kept is the one that waited longest; the two discarded have ended.
        await().atMost(Duration.ofSeconds(10)).until(() -> burst.stream().filter(Process::isAlive).count() == 1);
        assertThat(burst.getFirst().isAlive()).isTrue();

        // In use again: the pool grows back to the burst.
        restoreOnce();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 3);
    }

    @Test
    void closingDiscardsEveryWaitingOneAndStartsNoMore() {
        pool = new StandbyVmms(new StandbyVmms.Sizes(2, 2), IN_USE_FOR, "test-version");
        restoreOnce();
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.waiting() == 2);

        pool.close();

        assertThat(pool.waiting()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Process::isAlive));
        restoreOnce();
        assertThat(pool.waiting()).isZero();
    }

    /** What an instance start does with the pool: take one if there is one, and let the pool refill after. */
    private void restoreOnce() {
        pool.restoring();
        pool.take().ifPresent(StandbyVmms.Standby::discard);
        pool.restored(this::startOne);
    }

    private StandbyVmms.Standby startOne() throws IOException {
        String id = "vmm-" + serial.incrementAndGet();
        synchronized (this) {
            if (state == null) {
                state = StateDirectory.open(directory.resolve("state"));
            }
        }
        Process process = new ProcessBuilder("sleep", "600").start();
        started.add(process);
        return new StandbyVmms.Standby(id, state.newRecord(id, "test"), Files.createDirectories(directory.resolve(id)),
                null, null, process, null, null);
    }

    private FunctionManifest manifest(String members) throws IOException {
        Files.writeString(directory.resolve("app.js"), "");
        return new ManifestParser(new ManifestDefaults("process", 4096, 2))
                .parse("app", "{\"runtime\": \"node\", \"artifact\": \"app.js\"" + members + "}", directory);
    }
}
