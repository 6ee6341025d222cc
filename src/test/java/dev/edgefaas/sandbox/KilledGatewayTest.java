package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.platform.SampleFunctions;
import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.testing.HostTraces;
import dev.edgefaas.testing.ServeProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A gateway killed with SIGKILL while many instances run (20 containers; 6 guests, which boot
 * for seconds each under TCG): the next start removes every trace of them.
 */
class KilledGatewayTest {
    private static final int CONTAINERS = 20;
    private static final int GUESTS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Path stateDirectory;

    @AfterEach
    void removeState() {
        if (stateDirectory != null) {
            Platform.start(PlatformConfig.ephemeral(stateDirectory, "process")).close();
            StateDirectory.deleteTree(stateDirectory);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "runsc", "qemu-microvm", "nanos", "osv"})
    void theNextStartRemovesTheContainersNamespacesCgroupsAndRecordsOfEveryInstance(String sandbox) throws Exception {
        Availability availability = SandboxCatalog.probeOnly().get(sandbox).probe();
        Assumptions.assumeTrue(availability.usable(), () -> sandbox + " cannot run here: " + availability.summary());
        stateDirectory = Files.createTempDirectory("edgefaas-killed-");
        int count = sandbox.startsWith("run") ? CONTAINERS : GUESTS;
        List<String> ids = new ArrayList<>();
        String[] prefix = new String[1];
        boolean snapshotted = SandboxCatalog.probeOnly().get(sandbox).restoresSnapshots();
        List<Long> standbys = new ArrayList<>();
        ServeProcess crashed = ServeProcess.start(stateDirectory, List.of(), "--sandbox", sandbox, "--no-samples");
        try {
            String manifest = "{\"runtime\": \"go\", \"artifact\": \""
                    + SampleFunctions.functionsDirectory().resolve("go/hello") + "\", \"min-instances\": " + count
                    + ", \"max-instances\": " + count + ","
                    // Guests booting at once under TCG take longer than the default ready timeout.
                    + " \"ready-timeout\": \"180s\"}";
            HttpResponse<String> deployed = http.send(crashed.adminRequest("/api/functions/many")
                    .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(240)).until(() -> readyInstances(crashed).size() == count);
            // A VM's cgroup is named in its details: one restored in a VMM started ahead keeps that VMM's.
            readyInstances(crashed).forEach(i -> ids.add(i.path("details").path("cgroup").asText(i.path("id").asText())));
            Matcher namespace = Pattern.compile("(?:namespace|tap) (ef[0-9a-f]+)-")
                    .matcher(readyInstances(crashed).getFirst().path("details").path("network").asText());
            assertThat(namespace.find()).isTrue();
            prefix[0] = namespace.group(1);
            if (snapshotted) {
                // Started once the instances' restores are over.
                await().atMost(Duration.ofSeconds(60)).until(() -> !HostTraces.standbyVmms(stateDirectory).isEmpty());
                standbys.addAll(HostTraces.standbyVmms(stateDirectory));
            }
        } finally {
            crashed.kill();
        }
        assertThat(ids).hasSize(count);
        assertThat(ids).as("instances outlive a SIGKILLed gateway").allSatisfy(id ->
                assertThat(HostTraces.cgroups(id)).isNotEmpty());
        assertThat(HostTraces.networkObjects(prefix[0])).isNotEmpty();
        assertThat(HostTraces.firewallRules(prefix[0])).isNotEmpty();
        Path snapshots = StateDirectory.inMemoryFor(stateDirectory).resolve("snapshots");
        if (snapshotted) {
            assertThat(snapshots).as("the snapshot the instances were restored from").isNotEmptyDirectory();
        }

        // A data directory of its own: the kept function would start twenty new instances, and this is about the old.
        try (ServeProcess restarted = ServeProcess.start(stateDirectory, List.of(), "--no-samples",
                "--data-dir", stateDirectory.resolve("data-after-crash").toString())) {
            assertThat(restarted.output()).contains("instances left by an earlier run");
            for (String id : ids) {
                assertThat(HostTraces.cgroups(id)).as("cgroups of %s", id).isEmpty();
                assertThat(HostTraces.containers(id)).as("container state of %s", id).isEmpty();
            }
            assertThat(HostTraces.networkObjects(prefix[0])).isEmpty();
            assertThat(HostTraces.firewallRules(prefix[0])).isEmpty();
            assertThat(snapshots).as("a crashed run's snapshots").doesNotExist();
            // Killed by the reaper; the exit of a QEMU with its guest's memory takes a moment.
            await().atMost(Duration.ofSeconds(30)).until(() -> standbys.stream()
                    .noneMatch(HostTraces::alive));
            try (Stream<Path> records = Files.list(stateDirectory.resolve("instances"))) {
                assertThat(records).isEmpty();
            }
        }
    }

    private List<JsonNode> readyInstances(ServeProcess serve) throws Exception {
        JsonNode instances = JSON.readTree(http.send(serve.adminRequest("/api/instances").build(),
                HttpResponse.BodyHandlers.ofString()).body());
        List<JsonNode> ready = new ArrayList<>();
        instances.forEach(i -> {
            if (i.path("state").asText().equals("ready")) {
                ready.add(i);
            }
        });
        return ready;
    }
}
