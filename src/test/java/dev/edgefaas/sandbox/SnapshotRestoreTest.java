package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.host.ProcessMemory;
import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.testing.HostTraces;
import dev.edgefaas.testing.TestPlatform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instances restored from a snapshot of a booted guest, on every VM sandbox that restores them:
 * the first start saves the snapshot and every instance is a clone of it, each answering on its
 * own, with the host's time, in a VMM started ahead of the request that holds what the clone
 * touches first, ready without a probe once one clone has accepted; {@code "snapshot": "off"}
 * boots; the files and the waiting VMMs go with the version.
 */
class SnapshotRestoreTest {
    /** The most of its translation buffer a QEMU that has run no guest code has in memory: one huge page. */
    private static final long PROLOGUE_PAGES = 512;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestPlatform platform;

    @AfterEach
    void close() {
        if (platform != null) {
            platform.close();
        }
    }

    private void platform(String sandbox) {
        Availability availability = SandboxCatalog.probeOnly().get(sandbox).probe();
        Assumptions.assumeTrue(availability.usable(), () -> sandbox + " cannot run here: " + availability.summary());
        platform = new TestPlatform(sandbox);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nanos", "osv", "qemu-microvm"})
    void twoClonesOfOneSnapshotAnswerEachOnItsOwn(String sandbox) throws Exception {
        platform(sandbox);
        platform.deploySample("hello-go", "hello", "\"min-instances\": 2, \"max-instances\": 2");
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(platform.instances("hello")).size() == 2);

        List<InstanceView> clones = ready(platform.instances("hello"));
        assertThat(clones).allSatisfy(clone ->
                assertThat(clone.details().get("start")).startsWith("restored from the snapshot of hello-"));
        for (InstanceView clone : clones) {
            assertThat(direct(clone).body()).as(clone.id()).isEqualTo("hello\n");
        }
        // One clone gone, the other still answers: they share pages of memory, nothing else.
        ProcessHandle.of(clones.getFirst().pid().orElseThrow()).orElseThrow().destroyForcibly();
        assertThat(direct(clones.get(1)).body()).isEqualTo("hello\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nanos", "osv", "qemu-microvm"})
    void onceOneCloneAcceptedTheNextIsNotProbedItsFirstConnectionIsTheRequests(String sandbox) throws Exception {
        platform(sandbox);
        // A clone restored in the background to record the working set has accepted: the waiting VMMs come after it.
        snapshottedWithVmmsWaiting("unprobed", "");
        long first = platform.instances("unprobed").getFirst().pid().orElseThrow();
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.instances("unprobed").isEmpty());

        HttpResponse<String> restored = platform.get("/function/unprobed/");

        assertThat(restored.body()).isEqualTo("hello\n");
        assertThat(restored.headers().firstValue("Server-Timing").orElseThrow()).contains("restore;dur=");
        InstanceView clone = platform.instances("unprobed").getFirst();
        assertThat(clone.details().get("start")).contains("in a VMM started ahead");
        assertThat(HostTraces.connectionsForwardedToGuest(clone.pid().orElseThrow())).as("connections to the guest")
                .isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nanos", "osv", "qemu-microvm"})
    void aCloneTellsTheHostsTimeSnapshotOffBootsAndTheSnapshotGoesWithItsVersion(String sandbox) throws Exception {
        platform(sandbox);
        platform.deploySample("hello-go", "first", "\"keepalive\": \"0s\"");
        platform.deploySample("hello-go", "booted", "\"snapshot\": \"off\"");
        assertThat(platform.get("/function/first/").statusCode()).isEqualTo(200);
        // The snapshot was saved during that first start; a clone restored seconds later must not be behind.
        await().atMost(Duration.ofSeconds(30)).until(() -> platform.instances("first").isEmpty());
        assertThat(platform.get("/function/booted/").body()).isEqualTo("hello\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> !HostTraces.waitingStandbyVmms(platform.stateDirectory()).isEmpty());
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> restored = platform.get("/function/first/");
        Instant after = Instant.now().plusSeconds(1);

        // The instance may be gone already (keepalive 0s); its phases say how it started: restored, nothing spawned.
        assertThat(restored.headers().firstValue("Server-Timing").orElseThrow())
                .contains("restore;dur=").doesNotContain("spawn;dur=");
        Instant guestTime = ZonedDateTime.parse(restored.headers().firstValue("Date").orElseThrow(),
                DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertThat(guestTime).isBetween(before.truncatedTo(ChronoUnit.SECONDS), after);
        assertThat(platform.instances("booted").getFirst().details().get("start")).isEqualTo("booted");
        assertThat(snapshots()).singleElement().satisfies(name -> assertThat(name).startsWith("first-"));
        List<Long> waiting = HostTraces.standbyVmms(platform.stateDirectory());
        platform.platform().dispatcher().remove("first", Duration.ofSeconds(5));
        assertThat(snapshots()).isEmpty();
        // One may still be starting (the clone's take started it); it is discarded once it has.
        await().atMost(Duration.ofSeconds(30)).until(() -> HostTraces.standbyVmms(platform.stateDirectory()).isEmpty());
        assertThat(waiting).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nanos", "osv", "qemu-microvm"})
    void aWaitingVmmHoldsTheMemoryItsCloneTouchesFirstAndTheCloneAnswersFromIt(String sandbox) throws Exception {
        platform(sandbox);
        snapshottedWithVmmsWaiting("held", "\"keepalive\": \"0s\"");

        ProcessMemory standby = new ProcessMemory(HostTraces.waitingStandbyVmms(platform.stateDirectory()).getFirst());
        ProcessMemory.Mapping ram = standby.mapping(mapping -> mapping.path().endsWith("/ram")).orElseThrow();
        // Waiting for a state, QEMU itself has touched neither its guest's RAM nor, beyond TCG's prologue, its translation buffer.
        ProcessMemory.PresentPages guestRam = standby.present(ram);
        assertThat(guestRam.written()).as("guest RAM pages of its own").isNotEmpty();
        assertThat(guestRam.read()).as("guest RAM pages mapped").isNotEmpty();
        Optional<ProcessMemory.Mapping> translationBuffer = standby.mapping(mapping -> mapping.anonymous()
                && mapping.permissions().startsWith("rwx"));
        if (translationBuffer.isPresent()) {
            assertThat(pages(standby.present(translationBuffer.get()).written())).as("translation buffer pages in memory")
                    .isGreaterThan(PROLOGUE_PAGES);
        }
        // Nor has it handed back the heap its start touched (KeptHeap): without keep-heap.so, QEMU's
        // RCU thread trims about three quarters of it before the VMM waits.
        assertThat(standby.mapping(mapping -> mapping.path().endsWith("/vmm/keep-heap.so"))).as("keep-heap.so preloaded")
                .isPresent();
        ProcessMemory.Mapping heap = standby.mapping(mapping -> mapping.path().equals("[heap]")).orElseThrow();
        assertThat(pages(standby.present(heap).written())).as("heap pages in memory")
                .isGreaterThan(heap.pages() / 2);

        HttpResponse<String> restored = platform.get("/function/held/");
        assertThat(restored.body()).isEqualTo("hello\n");
        assertThat(restored.headers().firstValue("Server-Timing").orElseThrow()).contains("restore;dur=");
    }

    /** Deploys hello-go as {@code name}, whose first request saves its snapshot, and waits for a VMM started ahead. */
    private void snapshottedWithVmmsWaiting(String name, String overrides) {
        platform.deploySample("hello-go", name, overrides);
        assertThat(platform.get("/function/" + name + "/").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> !HostTraces.waitingStandbyVmms(platform.stateDirectory()).isEmpty());
    }

    private static long pages(List<ProcessMemory.PageRange> ranges) {
        return ranges.stream().mapToLong(ProcessMemory.PageRange::count).sum();
    }

    private List<String> snapshots() throws Exception {
        Path directory = platform.platform().inMemory("snapshots");
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static List<InstanceView> ready(List<InstanceView> instances) {
        return instances.stream().filter(i -> i.state().equals("ready")).toList();
    }

    private HttpResponse<String> direct(InstanceView instance) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(instance.endpoint() + "/")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
