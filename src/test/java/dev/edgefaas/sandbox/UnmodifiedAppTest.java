package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.SandboxUnderTest;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An app not written for edgefaas ({@code fixtures/unmodified-app.js}: port 8080 whatever $PORT
 * says, its readiness URL as its first argument) runs unchanged, told how by the manifest's
 * {@code args}, {@code command}, {@code port} and {@code readiness}. Subclassed per sandbox.
 */
abstract class UnmodifiedAppTest {
    private TestPlatform platform;
    private Path app;

    abstract String sandbox();

    /** Manifest members a sandbox needs for a fixed port, e.g. one instance where ports are the host's. */
    String fixedPortOverrides() {
        return "";
    }

    @BeforeEach
    void startPlatform() {
        platform = SandboxUnderTest.platformOrSkip(sandbox(), getClass());
        app = Fixtures.nodeFixture("unmodified-app.js");
    }

    @AfterEach
    void closePlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    private void deploy(String members) {
        String extra = fixedPortOverrides().isEmpty() ? members : members + ", " + fixedPortOverrides();
        platform.deploy("app", Fixtures.nodeManifest(app, "\"port\": 8080, " + extra));
    }

    @Test
    void anAppGivenItsReadinessUrlAsFirstArgumentServesOnItsFixedPort() {
        deploy("\"args\": [\"{callback}\", \"port={port}\", \"host={host}\"]");

        HttpResponse<String> response = platform.get("/function/app/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("unmodified [port=8080 host=");
        assertThat(response.headers().firstValue("X-Start")).hasValue("cold");
    }

    @Test
    void anAppThatCallsNothingIsReadyOnceItsPortAccepts() {
        deploy("\"readiness\": \"tcp\"");

        assertThat(platform.get("/function/app/").body()).startsWith("unmodified []");
    }

    @Test
    void anHttpReadinessCheckWaitsUntilThePathAnswers2xx() {
        deploy("\"readiness\": \"http:/healthz\"");

        // The app listens at once but is healthy only later: the first request sees it healthy.
        HttpResponse<String> health = platform.get("/function/app/healthz");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("healthy\n");
    }

    @Test
    void aCommandOfItsOwnRunsInTheArtifactsDirectoryWithPlaceholdersFilledIn() {
        deploy("\"command\": [\"node\", \"index.js\"], \"args\": [\"{callback}\", \"own\"]");

        String body = platform.get("/function/app/").body();

        assertThat(body).startsWith("unmodified [own] in ");
        assertThat(body.strip()).endsWith(sandbox().equals("process") ? app.toString() : "/app");
    }
}
