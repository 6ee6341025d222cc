package dev.edgefaas.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.host.network.AddressRanges;
import dev.edgefaas.platform.NodeLimits;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Who is full, told truthfully: a function past its own max-queue is answered 429 at once, a
 * node past its waiting room (requests or bytes) 503; both with Retry-After, both counted in
 * /metrics, and the requests that were admitted still succeed.
 */
class BackPressureTest {
    private static final String HOG = "\"concurrency\": 1, \"max-instances\": 1, \"queue-timeout\": \"60s\"";
    private static final String LONG = "/function/%s/?n=2500000000";

    @Test
    void aFunctionPastItsMaxQueueIsAnswered429AtOnceAndTheWaitingOnesStillRun() throws Exception {
        try (TestPlatform platform = new TestPlatform()) {
            platform.deploySample("fib-go", "one", HOG + ", \"max-queue\": 2");
            platform.get("/function/one/?n=1");
            CompletableFuture<HttpResponse<String>> hog = platform.sendAsync(LONG.formatted("one"));
            await().until(() -> platform.instances("one").getFirst().inFlight() == 1);
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                waiting.add(platform.sendAsync("/function/one/?n=1"));
            }
            await().until(() -> platform.metric("edgefaas_function_waiting_requests{function=\"one\"").equals("2.0"));

            HttpResponse<String> refused = platform.get("/function/one/?n=1");

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("max-queue").contains("'one'");
            assertThat(hog.get().statusCode()).isEqualTo(200);
            for (CompletableFuture<HttpResponse<String>> admitted : waiting) {
                assertThat(admitted.get().statusCode()).isEqualTo(200);
            }
            assertThat(platform.metric("edgefaas_refused_invocations_total{function=\"one\",reason=\"function-queue-full\""))
                    .isEqualTo("1.0");
        }
    }

    @Test
    void aNodePastItsWaitingRoomIsAnswered503WhicheverFunctionAsks() throws Exception {
        try (TestPlatform platform = TestPlatform.limited(new NodeLimits(2, 1 << 20, 10, 1 << 20, AddressRanges.NONE))) {
            platform.deploySample("fib-go", "a", HOG);
            platform.deploySample("fib-go", "b", HOG);
            platform.get("/function/a/?n=1");
            platform.get("/function/b/?n=1");
            List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
            admitted.add(platform.sendAsync(LONG.formatted("a")));
            admitted.add(platform.sendAsync(LONG.formatted("b")));
            await().until(() -> platform.instances("a").getFirst().inFlight() == 1
                    && platform.instances("b").getFirst().inFlight() == 1);
            admitted.add(platform.sendAsync("/function/a/?n=1"));
            admitted.add(platform.sendAsync("/function/b/?n=1"));
            await().until(() -> platform.metric("edgefaas_waiting_requests").equals("2.0"));

            HttpResponse<String> refused = platform.get("/function/a/?n=1");

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("out of capacity").contains("2 requests are waiting");
            for (CompletableFuture<HttpResponse<String>> request : admitted) {
                assertThat(request.get().statusCode()).isEqualTo(200);
            }
            assertThat(platform.metric("edgefaas_refused_invocations_total{function=\"a\",reason=\"node-full\""))
                    .isEqualTo("1.0");
            await().until(() -> platform.metric("edgefaas_waiting_bytes").equals("0.0"));
        }
    }

    @Test
    void theWaitingRoomBoundsTheBytesTheWaitingHeadsHold() throws Exception {
        try (TestPlatform platform = TestPlatform.limited(new NodeLimits(100, 16 * 1024, 10, 1 << 20, AddressRanges.NONE))) {
            platform.deploySample("fib-go", "one", HOG);
            platform.get("/function/one/?n=1");
            CompletableFuture<HttpResponse<String>> hog = platform.sendAsync(LONG.formatted("one"));
            await().until(() -> platform.instances("one").getFirst().inFlight() == 1);
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest fat = HttpRequest.newBuilder(platform.gateway("/function/one/?n=1"))
                    .header("X-Padding", "x".repeat(10 * 1024)).build();
            CompletableFuture<HttpResponse<String>> admitted = client.sendAsync(fat, HttpResponse.BodyHandlers.ofString());
            await().until(() -> Double.parseDouble(platform.metric("edgefaas_waiting_bytes")) > 10 * 1024);

            HttpResponse<String> refused = client.send(fat, HttpResponse.BodyHandlers.ofString());

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("16 KiB");
            assertThat(hog.get().statusCode()).isEqualTo(200);
            assertThat(admitted.get().statusCode()).isEqualTo(200);
        }
    }
}
