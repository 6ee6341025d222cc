package dev.edgefaas.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.edgefaas.host.network.AddressRanges;
import dev.edgefaas.platform.NodeLimits;
import dev.edgefaas.testing.TestPlatform;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous invocations through the real gateway and management API: accepted at once, run,
 * told by id, the result sent to a callback (again until it takes it), refused with the status
 * that says why, and a full queue that drops nothing it accepted.
 */
class AsyncInvocationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOG = "\"concurrency\": 1, \"max-instances\": 1, \"queue-timeout\": \"200ms\"";

    static HttpResponse<String> submit(TestPlatform platform, String function, String pathAndQuery, String body,
                                       Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(platform.gateway("/async-function/" + function + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return platform.send(request.build());
    }

    static JsonNode status(TestPlatform platform, String id) throws IOException {
        return JSON.readTree(platform.send(HttpRequest.newBuilder(platform.admin("/api/async/" + id)).build()).body());
    }

    static JsonNode awaitFinished(TestPlatform platform, String id) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> status(platform, id),
                status -> status.path("state").asText().matches("done|failed"));
    }

    @Test
    void anAcceptedInvocationIsAnswered202AtOnceRunsAndItsStatusAndResultTellHowItWent() throws Exception {
        try (TestPlatform platform = new TestPlatform()) {
            platform.deploySample("hello-go", "hello", "");

            HttpResponse<String> accepted = submit(platform, "hello", "/a%2Fb?echo=1&x=y+z", "twelve bytes", Map.of(
                    "X-Custom", "kept"));

            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = accepted.headers().firstValue("X-Edgefaas-Invocation").orElseThrow();
            assertThat(JSON.readTree(accepted.body()).path("id").asText()).isEqualTo(id);
            JsonNode finished = awaitFinished(platform, id);
            assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("done");
            assertThat(finished.path("status").asInt()).isEqualTo(200);
            assertThat(finished.path("runs").asInt()).isEqualTo(1);
            assertThat(finished.path("path").asText()).isEqualTo("/a%2Fb?echo=1&x=y+z");
            HttpResponse<String> result = platform.send(HttpRequest.newBuilder(platform.admin("/api/async/" + id + "/result"))
                    .build());
            assertThat(result.headers().firstValue("X-Function-Status")).hasValue("200");
            JsonNode echoed = JSON.readTree(result.body());
            assertThat(echoed.path("method").asText()).isEqualTo("POST");
            assertThat(echoed.path("path").asText()).isEqualTo("/a%2Fb");
            assertThat(echoed.path("query").asText()).isEqualTo("echo=1&x=y+z");
            assertThat(echoed.path("bodyBytes").asInt()).isEqualTo(12);
            assertThat(echoed.path("headers").path("X-Custom").get(0).asText()).isEqualTo("kept");
            assertThat(echoed.path("headers").path("X-Edgefaas-Invocation").get(0).asText()).isEqualTo(id);
        }
    }

    @Test
    void theResultGoesToTheCallbackUrlAgainUntilItIsTaken() throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/done", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            deliveries.add(exchange.getRequestHeaders().getFirst("X-Function-Status") + " "
                    + exchange.getRequestHeaders().getFirst("X-Edgefaas-Invocation") + " " + body);
            // The first attempt finds the receiver not ready: the node must try again.
            exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        try (TestPlatform platform = new TestPlatform()) {
            platform.deploySample("hello-go", "hello", "");
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/done";

            String id = submit(platform, "hello", "/", "", Map.of("X-Callback-Url", url))
                    .headers().firstValue("X-Edgefaas-Invocation").orElseThrow();

            JsonNode delivered = await().atMost(Duration.ofSeconds(30)).until(() -> status(platform, id),
                    status -> status.path("callback").path("state").asText().equals("delivered"));
            assertThat(delivered.path("callback").path("attempts").asInt()).isEqualTo(2);
            assertThat(delivered.path("callback").path("url").asText()).isEqualTo(url);
            assertThat(deliveries).hasSize(2).allSatisfy(line -> assertThat(line).isEqualTo("200 " + id + " hello\n"));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void whatCannotBeAcceptedIsRefusedWithAStatusThatSaysWhyAndNothingOfItIsKept() throws Exception {
        try (TestPlatform platform = TestPlatform.limited(new NodeLimits(100, 1 << 20, 10, 1024, AddressRanges.NONE))) {
            platform.deploySample("hello-go", "hello", "");

            HttpResponse<String> unknown = submit(platform, "nope", "/", "", Map.of());
            HttpResponse<String> notPost = platform.send(HttpRequest.newBuilder(platform.gateway("/async-function/hello/"))
                    .build());
            HttpResponse<String> loopback = submit(platform, "hello", "/", "", Map.of("X-Callback-Url", "http://127.0.0.1:9/"));
            HttpResponse<String> notUrl = submit(platform, "hello", "/", "", Map.of("X-Callback-Url", "ftp://x/"));
            HttpResponse<String> large = submit(platform, "hello", "/", "x".repeat(2048), Map.of());

            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(notPost.statusCode()).isEqualTo(405);
            assertThat(notPost.headers().firstValue("Allow")).hasValue("POST");
            assertThat(loopback.statusCode()).isEqualTo(400);
            assertThat(loopback.body()).contains("X-Callback-Url").contains("--callback-allow");
            assertThat(notUrl.statusCode()).isEqualTo(400);
            assertThat(notUrl.body()).contains("X-Callback-Url").contains("http://");
            assertThat(large.statusCode()).isEqualTo(413);
            assertThat(large.body()).contains("1024 bytes");
            assertThat(platform.metric("edgefaas_async_queued ")).isEqualTo("0.0");
        }
    }

    @Test
    void aFullQueueIsAnswered429WithRetryAfterAndEveryAcceptedInvocationStillRuns() throws Exception {
        try (TestPlatform platform = TestPlatform.limited(new NodeLimits(100, 1 << 20, 2, 1 << 20, AddressRanges.NONE))) {
            platform.deploySample("fib-go", "one", HOG);
            platform.get("/function/one/?n=1");
            CompletableFuture<HttpResponse<String>> hog = platform.sendAsync("/function/one/?n=2000000000");
            await().until(() -> platform.instances("one").getFirst().inFlight() == 1);
            String first = submit(platform, "one", "/?n=1", "", Map.of()).headers().firstValue("X-Edgefaas-Invocation")
                    .orElseThrow();
            String second = submit(platform, "one", "/?n=2", "", Map.of()).headers().firstValue("X-Edgefaas-Invocation")
                    .orElseThrow();

            HttpResponse<String> refused = submit(platform, "one", "/?n=3", "", Map.of());

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("queue").contains("full");
            assertThat(hog.get().statusCode()).isEqualTo(200);
            for (String id : List.of(first, second)) {
                JsonNode finished = awaitFinished(platform, id);
                assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("done");
                assertThat(finished.path("status").asInt()).isEqualTo(200);
            }
        }
    }
}
