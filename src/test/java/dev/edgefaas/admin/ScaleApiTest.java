package dev.edgefaas.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code PATCH /api/functions/NAME}: min and max changed in place, as the dashboard's Scale does; nothing else. */
class ScaleApiTest {
    private static TestPlatform node;

    @BeforeAll
    static void start() {
        node = TestPlatform.keepingFunctions();
        node.deploySample("hello-go", "scaled", "");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void newBoundsMakeANewVersionThatKeepsItsSourceAndServes() throws Exception {
        String before = node.platform().deployer().version("scaled").orElseThrow();
        String source = node.platform().deployer().source("scaled").orElseThrow();

        HttpResponse<String> scaled = patch("scaled", "{\"min-instances\": 1, \"max-instances\": 3}");

        assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(scaled.body());
        assertThat(answer.path("max-instances").asInt()).isEqualTo(3);
        assertThat(answer.path("min-instances").asInt()).isEqualTo(1);
        assertThat(answer.path("version").asText()).isNotEqualTo(before);
        assertThat(answer.path("source").asText()).isEqualTo(source);
        assertThat(node.get("/function/scaled/").body()).isEqualTo("hello\n");
    }

    @Test
    void anyOtherKeyIsRefusedNamingIt() {
        HttpResponse<String> refused = patch("scaled", "{\"memory-mib\": 64}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"memory-mib\"", "PUT the whole manifest");
    }

    @Test
    void boundsTheManifestRefusesGetItsMessage() {
        HttpResponse<String> refused = patch("scaled", "{\"min-instances\": 5, \"max-instances\": 2}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"m");
        assertThat(node.platform().dispatcher().function("scaled").orElseThrow().maxInstances())
                .as("unchanged").isNotEqualTo(2);
    }

    @Test
    void anUnknownFunctionIs404() {
        assertThat(patch("nobody", "{\"max-instances\": 2}").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> patch(String name, String body) {
        return node.send(HttpRequest.newBuilder(node.admin("/api/functions/" + name))
                .header("Authorization", "Bearer " + node.adminToken())
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
