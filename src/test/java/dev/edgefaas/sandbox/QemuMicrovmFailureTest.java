package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.HostTraces;
import dev.edgefaas.testing.SandboxUnderTest;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guests that go wrong in the ways only a VM can: its kernel panics, or it boots and never calls
 * back. Either ends in an error with the console's last lines, and nothing of the VM stays.
 */
class QemuMicrovmFailureTest {
    private TestPlatform platform;

    @BeforeEach
    void startPlatform() {
        platform = SandboxUnderTest.platformOrSkip("qemu-microvm", getClass());
    }

    @AfterEach
    void closePlatform() {
        System.clearProperty("edgefaas.kernel.args");
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aGuestWhoseKernelPanicsIsDiagnosedFromTheConsoleAndLeavesNothing() {
        // No init where the kernel is told to look: it panics, and panic=-1 ends the VM.
        System.setProperty("edgefaas.kernel.args", "rdinit=/no-such-init");
        platform.deploySample("hello-go", "panics", "\"ready-timeout\": \"20s\"");

        HttpResponse<String> response = platform.get("/function/panics/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("stopped before it was ready", "Kernel panic");
        assertNothingLeft("panics");
    }

    @Test
    void aGuestThatNeverCallsBackTimesOutWithItsConsoleAndLeavesNothing() {
        // Without a snapshot: a guest behind the NAT of one is ready once its port accepts, called back or not.
        platform.deploy("silent", Fixtures.nodeManifest(Fixtures.nodeFixture("never-ready.js"),
                "\"ready-timeout\": \"10s\", \"snapshot\": \"off\""));

        HttpResponse<String> response = platform.get("/function/silent/");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("did not call back within 10000 ms", "listening, but not calling back");
        assertNothingLeft("silent");
    }

    private void assertNothingLeft(String function) {
        assertThat(platform.instances(function)).isEmpty();
        assertThat(HostTraces.processesWithArgument("edgefaas-" + function + "-")).isEmpty();
        String prefix = platform.platform().networkNamePrefix();
        platform.close();
        platform = null;
        assertThat(HostTraces.networkObjects(prefix)).isEmpty();
        assertThat(HostTraces.firewallRules(prefix)).isEmpty();
    }
}
