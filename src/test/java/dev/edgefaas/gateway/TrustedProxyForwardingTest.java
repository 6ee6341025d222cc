package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.testing.TestPlatform;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A front proxy the operator trusts keeps its forwarding headers; the gateway appends to them. */
class TrustedProxyForwardingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestPlatform platform;

    @AfterEach
    void close() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aTrustedProxysForwardingHeadersAreKeptAndAppendedTo() throws IOException {
        platform = TestPlatform.trusting("127.0.0.0/8");

        JsonNode headers = echoedHeaders();

        assertThat(texts(headers.path("X-Forwarded-For"))).containsExactly("203.0.113.7, 127.0.0.1");
        assertThat(texts(headers.path("X-Forwarded-Host"))).containsExactly("shop.example");
        assertThat(texts(headers.path("X-Forwarded-Proto"))).containsExactly("https");
        assertThat(texts(headers.path("Forwarded"))).singleElement().asString()
                .startsWith("for=203.0.113.7;proto=https, for=127.0.0.1;");
        assertThat(texts(headers.path("X-Real-Ip"))).containsExactly("203.0.113.7");
    }

    @Test
    void anUntrustedPeersForwardingHeadersAreReplaced() throws IOException {
        platform = TestPlatform.trusting("10.0.0.0/8", "::1");

        JsonNode headers = echoedHeaders();

        assertThat(texts(headers.path("X-Forwarded-For"))).containsExactly("127.0.0.1");
        assertThat(texts(headers.path("X-Forwarded-Proto"))).containsExactly("http");
        assertThat(texts(headers.path("X-Forwarded-Host")).getFirst()).startsWith("127.0.0.1:");
        assertThat(texts(headers.path("Forwarded")).getFirst()).startsWith("for=127.0.0.1;").doesNotContain("203.0.113.7");
        assertThat(texts(headers.path("X-Real-Ip"))).containsExactly("127.0.0.1");
    }

    private JsonNode echoedHeaders() throws IOException {
        platform.deploySample("hello-go", "echo", "");
        HttpRequest request = HttpRequest.newBuilder(platform.gateway("/function/echo/?echo=1"))
                .header("X-Forwarded-For", "203.0.113.7")
                .header("X-Forwarded-Host", "shop.example")
                .header("X-Forwarded-Proto", "https")
                .header("Forwarded", "for=203.0.113.7;proto=https")
                .header("X-Real-IP", "203.0.113.7")
                .build();
        return JSON.readTree(platform.send(request).body()).path("headers");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
