package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.HostTraces;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every sandbox backend must do, run against each one through a real platform: start,
 * readiness, invocation, crash and out-of-memory diagnosis, and nothing left on the host after
 * its instances stop. A backend that cannot run here is skipped with the reason.
 */
abstract class SandboxContractTest {
    private TestPlatform platform;

    /** The backend under test, as manifests name it. */
    abstract String sandbox();

    @BeforeEach
    void startPlatform() {
        Availability availability = SandboxCatalog.probeOnly().get(sandbox()).probe();
        if (!availability.usable()) {
            System.out.println("SKIPPED " + getClass().getSimpleName() + ": " + availability.summary());
        }
        Assumptions.assumeTrue(availability.usable(), () -> sandbox() + " cannot run here: " + availability.summary());
        platform = new TestPlatform(sandbox());
    }

    @AfterEach
    void closePlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void goAndNodeFunctionsStartReadyAndServeColdThenWarm() {
        for (String sample : List.of("hello-go", "hello-node")) {
            platform.deploySample(sample, sample, "");

            HttpResponse<String> first = platform.get("/function/" + sample + "/");
            HttpResponse<String> second = platform.get("/function/" + sample + "/");

            assertThat(first.body()).isEqualTo("hello\n");
            assertThat(first.headers().firstValue("X-Start")).hasValue("cold");
            assertThat(second.headers().firstValue("X-Start")).hasValue("warm");
            assertThat(platform.instances(sample)).singleElement()
                    .satisfies(i -> assertThat(i.sandbox()).isEqualTo(sandbox()));
        }
    }

    @Test
    void anInstanceThatExitsAtStartIsDiagnosedWithItsExitCodeAndOutput() {
        platform.deploy("broken", Fixtures.nodeManifest(Fixtures.nodeFixture("exits-at-start.js"), ""));

        HttpResponse<String> response = platform.get("/function/broken/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("exited with code 3", "config missing: DATABASE_URL");
    }

    @Test
    void anInstanceOverItsMemoryLimitIsDiagnosedOutOfMemory() {
        platform.deploy("hog", Fixtures.nodeManifest(Fixtures.nodeFixture("memory-hog.js"), "\"memory-mib\": 128"));

        HttpResponse<String> response = platform.get("/function/hog/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("out of memory");
    }

    @Test
    void stoppedInstancesLeaveNoProcessCgroupContainerNamespaceOrRecordBehind() throws Exception {
        platform.deploySample("hello-go", "hello-go", "");
        platform.deploySample("hello-node", "hello-node", "");
        platform.get("/function/hello-go/");
        platform.get("/function/hello-node/");
        List<InstanceView> instances = platform.platform().dispatcher().instances();
        assertThat(instances).hasSize(2);
        assertThat(instances).allSatisfy(i -> assertThat(HostTraces.cgroups(i.id())).isNotEmpty());

        platform.platform().dispatcher().remove("hello-go", Duration.ofSeconds(5));
        platform.platform().dispatcher().remove("hello-node", Duration.ofSeconds(5));

        for (InstanceView instance : instances) {
            assertThat(HostTraces.alive(instance.pid().orElseThrow())).isFalse();
            assertThat(HostTraces.cgroups(instance.id())).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> HostTraces.containers(instance.id()).isEmpty());
        }
        try (var files = Files.list(platform.stateDirectory().resolve("instances"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .allMatch(name -> name.startsWith("ef"), "only spare network namespaces remain recorded");
        }
        platform.close();
        platform = null;
        assertThat(HostTraces.networkObjects()).isEmpty();
    }
}
