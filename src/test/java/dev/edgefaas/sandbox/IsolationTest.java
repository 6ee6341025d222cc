package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.SandboxUnderTest;
import dev.edgefaas.testing.TestPlatform;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Instances of isolating sandboxes reach nothing but the callback port: not other functions'
 * instances, not the management API, not other host ports; and their limits hold while the
 * platform and other functions keep serving.
 */
abstract class IsolationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestPlatform platform;

    abstract String sandbox();

    @BeforeEach
    void startPlatform() {
        platform = SandboxUnderTest.platformOrSkip(sandbox(), getClass());
    }

    @AfterEach
    void closePlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void anInstanceReachesNeitherAnotherFunctionNorTheManagementApiNorOtherHostPorts() throws Exception {
        assertReachesOnly("", behindNatByDefault());
    }

    /** Where instances go behind a NAT for their snapshot by default, those that boot on a tap of their own are isolated too. */
    @Test
    void anInstanceThatBootsWithoutASnapshotReachesNothingElseEither() throws Exception {
        Assumptions.assumeTrue(behindNatByDefault() && !alwaysBehindNat(), "instances of " + sandbox() + " have one network");
        assertReachesOnly("\"snapshot\": \"off\"", false);
    }

    /**
     * Whether instances of this sandbox sit behind a namespace's NAT unless told otherwise, as
     * those restored from a snapshot do: they reach nothing at all, only their own port.
     */
    boolean behindNatByDefault() {
        return false;
    }

    /** Whether they always do (Nanos, whose image fixes the address). */
    boolean alwaysBehindNat() {
        return false;
    }

    private void assertReachesOnly(String overrides, boolean behindNat) throws Exception {
        platform.deploySample("hello-go", "target", overrides);
        platform.get("/function/target/");
        URI target = URI.create(platform.instances("target").getFirst().endpoint());
        platform.deploy("prober", prober(overrides));
        platform.get("/function/prober/");
        String linkHost = hostSideOf(URI.create(platform.instances("prober").getFirst().endpoint()).getHost());
        int admin = platform.platform().adminPort();

        try (ServerSocket hostPort = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            // The one thing it may reach: proves the probe can connect at all. Behind a NAT, that is
            // its own port; else the callback port on its link's host end.
            assertThat(probe(behindNat ? "127.0.0.1:8080" : linkHost + ":" + platform.platform().callbackPort()))
                    .isEqualTo("connected");

            assertThat(probe(target.getHost() + ":" + target.getPort())).startsWith("blocked");
            assertThat(probe(linkHost + ":" + admin)).startsWith("blocked");
            assertThat(probe("127.0.0.1:" + admin)).startsWith("blocked");
            assertThat(probe(linkHost + ":" + hostPort.getLocalPort())).startsWith("blocked");
            assertThat(probe("127.0.0.1:" + hostPort.getLocalPort())).startsWith("blocked");
            assertThat(probe(linkHost + ":" + platform.platform().port())).startsWith("blocked");
        }
    }

    @Test
    void aMemoryHogIsStoppedAtItsLimitAndReportedWhileOthersKeepServing() throws Exception {
        platform.deploySample("alloc-go", "hog", "\"memory-mib\": 512");
        platform.deploySample("hello-go", "bystander", "");
        assertThat(platform.get("/function/bystander/").statusCode()).isEqualTo(200);

        if (!diagnosesOutOfMemory()) {
            // OSv spins at its limit instead of failing: the hog must not get past it nor slow the others down.
            var hog = platform.sendAsync("/function/hog/?mib=1024");
            assertThat(platform.get("/function/bystander/").body()).isEqualTo("hello\n");
            try {
                // Allocating 1 GiB takes a guest a second or two; past 8 s it is spinning at its limit.
                assertThat(hog.get(8, TimeUnit.SECONDS).statusCode()).as("1 GiB within 512 MiB").isNotEqualTo(200);
            } catch (TimeoutException stillAtItsLimit) {
                // Spinning at the limit is what OSv does; the bystander above kept answering meanwhile.
            }
            return;
        }
        HttpResponse<String> hog = platform.get("/function/hog/?mib=1024");

        assertThat(hog.statusCode()).isEqualTo(502);
        assertThat(hog.body()).contains("out of memory");
        assertThat(platform.get("/function/bystander/").body()).isEqualTo("hello\n");
        assertThat(platform.get("/function/hog/?mib=16").statusCode()).isEqualTo(200);

        // Again, in the instance that answered: on a snapshotting sandbox a restored clone, which
        // stays under its cgroup's limit, and whose Nanos guest retried the failed page for minutes.
        HttpResponse<String> again = platform.get("/function/hog/?mib=1024");
        assertThat(again.statusCode()).isEqualTo(502);
        assertThat(again.body()).contains("out of memory");
    }

    @Test
    void aForkBombIsContainedByThePidsLimit() throws Exception {
        platform.deploy("bomb", prober("\"memory-mib\": 8192"));
        platform.deploySample("hello-go", "bystander", "");

        HttpResponse<String> bomb = platform.get("/function/bomb/?fork=1000");

        assertThat(platform.get("/function/bystander/").body()).isEqualTo("hello\n");
        if (bomb.statusCode() == 200) {
            JsonNode result = JSON.readTree(bomb.body());
            assertThat(result.path("spawned").asInt()).isLessThan(ManifestDefaults.PIDS_MAX);
            assertThat(result.path("error").asText()).isNotEmpty();
        } else {
            // The runtime itself could not make a thread past the limit and the instance died of it.
            assertThat(bomb.statusCode()).isEqualTo(502);
        }
    }

    /** Whether an instance that outgrows its memory is killed (OSv spins at its limit instead). */
    boolean diagnosesOutOfMemory() {
        return true;
    }

    /** Whether the sandbox runs Node.js; the probe is then the Node.js prober, else its Go twin. */
    boolean runsNode() {
        return true;
    }

    private String prober(String overrides) {
        return runsNode() ? Fixtures.nodeManifest(Fixtures.nodeFixture("prober.js"), overrides)
                : Fixtures.goManifest(Fixtures.goFixture("prober"), overrides);
    }

    private String probe(String hostAndPort) {
        return platform.get("/function/prober/?connect=" + hostAndPort).body();
    }

    /** The host's end of an instance's /30 link: the address just below the instance's. */
    private static String hostSideOf(String instanceAddress) {
        String[] octets = instanceAddress.split("\\.");
        if (instanceAddress.startsWith("127.")) {
            return instanceAddress;
        }
        return octets[0] + "." + octets[1] + "." + octets[2] + "." + (Integer.parseInt(octets[3]) - 1);
    }
}
