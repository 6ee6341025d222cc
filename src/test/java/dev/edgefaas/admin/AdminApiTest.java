package dev.edgefaas.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.platform.SampleFunctions;
import dev.edgefaas.testing.TestPlatform;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPlatform platform = new TestPlatform();
    private final String hello = SampleFunctions.functionsDirectory().resolve("go/hello").toString();

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void aDeployedFunctionIsListedWithItsDefaultsAndCanBeRemoved() throws IOException {
        HttpResponse<String> created = put("greeter", "{\"runtime\": \"go\", \"artifact\": \"" + hello + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(platform.get("/function/greeter/").statusCode()).isEqualTo(200);

        JsonNode listed = JSON.readTree(admin("GET", "/api/functions").body());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("sandbox").asText()).isEqualTo("process");
        assertThat(listed.get(0).path("memory-mib").asInt()).isEqualTo(512);
        assertThat(listed.get(0).path("vcpus").asDouble()).isEqualTo(1.0);
        JsonNode instances = JSON.readTree(admin("GET", "/api/instances").body());
        assertThat(instances.get(0).path("endpoint").asText()).startsWith("http://127.0.0.1:");
        assertThat(instances.get(0).path("pid").asLong()).isPositive();
        assertThat(instances.get(0).path("cold-start-ms").asDouble()).isPositive();
        long pid = instances.get(0).path("pid").asLong();
        assertThat(JSON.readTree(admin("GET", "/api/functions/greeter").body()).path("instances").get(0).path("id").asText())
                .as("the function's own instances").isEqualTo(instances.get(0).path("id").asText());

        assertThat(admin("DELETE", "/api/functions/greeter").statusCode()).isEqualTo(200);

        assertThat(admin("GET", "/api/functions/greeter").statusCode()).isEqualTo(404);
        assertThat(platform.get("/function/greeter/").statusCode()).isEqualTo(404);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key                  | ok     | {"runtime": "go", "artifact": "HELLO", "memroy-mib": 64}  | memroy-mib
            path traversal in name       | ..%2Fx | {"runtime": "go", "artifact": "HELLO"}                     | name
            upper case name              | Hello  | {"runtime": "go", "artifact": "HELLO"}                     | name
            unknown runtime              | ok     | {"runtime": "cobol", "artifact": "HELLO"}                  | runtime
            missing artifact             | ok     | {"runtime": "go", "artifact": "/nonexistent/fn"}          | artifact
            memory beyond the host       | ok     | {"runtime": "go", "artifact": "HELLO", "memory-mib": 99999999} | memory-mib
            zero concurrency             | ok     | {"runtime": "go", "artifact": "HELLO", "concurrency": 0}   | concurrency
            min above max                | ok     | {"runtime": "go", "artifact": "HELLO", "min-instances": 3, "max-instances": 2} | min-instances
            vcpus beyond the host        | ok     | {"runtime": "go", "artifact": "HELLO", "vcpus": 64}        | vcpus
            negative keepalive           | ok     | {"runtime": "go", "artifact": "HELLO", "keepalive": "-1s"} | keepalive
            unknown sandbox              | ok     | {"runtime": "go", "artifact": "HELLO", "sandbox": "vmware"} | sandbox
            not json                     | ok     | {"runtime": "go",                                          | manifest
            platform variable in env     | ok     | {"runtime": "go", "artifact": "HELLO", "env": {"PORT": "1"}} | env
            count beyond 64 bits         | ok     | {"runtime": "go", "artifact": "HELLO", "max-instances": 18446744073709551617} | max-instances
            duration beyond a year       | ok     | {"runtime": "go", "artifact": "HELLO", "keepalive": 1e300} | keepalive
            a second object after it     | ok     | {"runtime": "go", "artifact": "HELLO"} {}                  | manifest
            parameter in the name        | ok;x   | {"runtime": "go", "artifact": "HELLO"}                     | path
            """)
    void aMalformedManifestIsRejectedWithAMessageNamingTheField(String why, String name, String manifest, String field)
            throws IOException {
        HttpResponse<String> response = put(name, manifest.replace("HELLO", hello));

        assertThat(response.statusCode()).as(why).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("field").asText()).isEqualTo(field);
        assertThat(error.path("error").asText()).startsWith(field + ":");
        assertThat(JSON.readTree(admin("GET", "/api/functions").body())).isEmpty();
    }

    @Test
    void metricsCountInvocationsAndColdStartsByFunctionAndSandbox() {
        put("counted", "{\"runtime\": \"go\", \"artifact\": \"" + hello + "\"}");
        platform.get("/function/counted/");
        platform.get("/function/counted/");

        String metrics = admin("GET", "/metrics").body();

        assertThat(metrics)
                .contains("edgefaas_invocations_total{function=\"counted\",sandbox=\"process\",start=\"cold\",status=\"200\"} 1.0")
                .contains("edgefaas_invocations_total{function=\"counted\",sandbox=\"process\",start=\"warm\",status=\"200\"} 1.0")
                .contains("edgefaas_cold_starts_total{function=\"counted\",outcome=\"ready\",sandbox=\"process\"} 1.0")
                .contains("edgefaas_cold_start_seconds_bucket")
                .contains("edgefaas_request_seconds_bucket")
                .contains("edgefaas_live_instances{function=\"counted\",sandbox=\"process\"} 1.0");
    }

    @Test
    void theManagementApiIsNotServedOnTheInvocationListener() {
        HttpResponse<String> response = platform.get("/api/functions");

        assertThat(response.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> put(String name, String body) {
        return platform.send(HttpRequest.newBuilder(platform.admin("/api/functions/" + name))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build());
    }

    private HttpResponse<String> admin(String method, String path) {
        return platform.send(HttpRequest.newBuilder(platform.admin(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }
}
