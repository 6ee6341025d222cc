package dev.edgefaas.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.HostTraces;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A platform that closes while an instance it retired is still stopping waits for that stop:
 * nothing of the instance outlives the close. The instance shrugs off SIGTERM, so its stop
 * lasts the whole grace before the kill.
 */
class RetiredInstanceDrainTest {

    @Test
    void closingThePlatformRightAfterASingleUseInstanceIsRetiredWaitsForItsStop() {
        long pid;
        TestPlatform platform = new TestPlatform();
        try {
            platform.deploy("once", Fixtures.nodeManifest(Fixtures.nodeFixture("slow-to-stop.js"),
                    "\"single-use\": true, \"concurrency\": 1"));
            HttpResponse<String> response = platform.get("/function/once/");
            assertThat(response.statusCode()).isEqualTo(200);
            pid = Long.parseLong(response.body());
            assertThat(HostTraces.alive(pid)).isTrue();
        } finally {
            platform.close();
        }

        assertThat(HostTraces.alive(pid)).as("the retired instance's process after the platform closed").isFalse();
    }

    @Test
    void closingThePlatformWhileInstancesRetireOneAfterAnotherLeavesNoneRunning() {
        TestPlatform platform = new TestPlatform();
        long[] pids = new long[3];
        try {
            platform.deploy("once", Fixtures.nodeManifest(Fixtures.nodeFixture("slow-to-stop.js"),
                    "\"single-use\": true, \"concurrency\": 1"));
            for (int i = 0; i < pids.length; i++) {
                pids[i] = Long.parseLong(platform.get("/function/once/").body());
            }
        } finally {
            platform.close();
        }

        for (long pid : pids) {
            assertThat(HostTraces.alive(pid)).as("process " + pid + " after the platform closed").isFalse();
        }
    }
}
