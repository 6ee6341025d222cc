package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.TestPlatform;
import org.junit.jupiter.api.Test;

class ProcessUnmodifiedAppTest extends UnmodifiedAppTest {
    @Override
    String sandbox() {
        return "process";
    }

    /** Instances of the process sandbox share the host's ports. */
    @Override
    String fixedPortOverrides() {
        return "\"max-instances\": 1";
    }

    @Test
    void aFixedPortWithMoreThanOneInstanceIsRefusedNamingTheFieldAndTheFix() {
        try (TestPlatform platform = new TestPlatform("process")) {
            assertThatThrownBy(() -> platform.deploy("app", Fixtures.nodeManifest(Fixtures.nodeFixture("unmodified-app.js"),
                    "\"port\": 8080, \"max-instances\": 2")))
                    .hasMessageContaining("port: process instances share the host's ports")
                    .hasMessageContaining("\"max-instances\": 1");
        }
    }
}
