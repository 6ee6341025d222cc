package dev.edgefaas.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScalingTest {
    private final TestPlatform platform = new TestPlatform();

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void fiftyParallelRequestsAtConcurrencyTenAllSucceedOnAtMostFiveInstances() throws Exception {
        platform.deploySample("fib-go", "busy", "\"concurrency\": 10, \"max-instances\": 5, \"queue-timeout\": \"60s\"");
        AtomicInteger mostInstances = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                mostInstances.accumulateAndGet(platform.instances("busy").size(), Math::max);
                Thread.onSpinWait();
            }
        });

        List<HttpResponse<String>> responses = parallelGets(50, "/function/busy/?n=20000000");
        running.set(false);
        watcher.join();

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(mostInstances.get()).isBetween(1, 5);
        assertThat(platform.instances("busy")).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void aRequestArrivingWhileAnInstanceBootsWaitsForItInsteadOfStartingAnother() throws Exception {
        Path slowStart = Fixtures.script("slow-start", "sleep 1; exec \"$HELLO\"");
        platform.deploy("slow", Fixtures.binaryManifest(slowStart,
                "\"concurrency\": 10, \"max-instances\": 5, \"env\": {\"HELLO\": \"" + Fixtures.goSample("hello") + "\"}"));

        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse<String>> first = clients.submit(() -> platform.get("/function/slow/"));
            await().atMost(Duration.ofSeconds(5)).until(() -> platform.instances("slow").size() == 1);
            Future<HttpResponse<String>> second = clients.submit(() -> platform.get("/function/slow/"));

            assertThat(first.get().statusCode()).isEqualTo(200);
            assertThat(second.get().statusCode()).isEqualTo(200);
            assertThat(second.get().headers().firstValue("X-Start")).hasValue("cold");
            assertThat(second.get().headers().firstValue("X-Edgefaas-Instance"))
                    .isEqualTo(first.get().headers().firstValue("X-Edgefaas-Instance"));
        }
        assertThat(platform.instances("slow")).hasSize(1);
    }

    @Test
    void beyondMaxInstancesARequestWaitsBoundedThenGets429WithRetryAfter() throws Exception {
        platform.deploySample("fib-go", "one", "\"concurrency\": 1, \"max-instances\": 1, \"queue-timeout\": \"200ms\"");
        platform.get("/function/one/?n=1");

        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse<String>> hog = clients.submit(() -> platform.get("/function/one/?n=3000000000"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> platform.instances("one").getFirst().inFlight() == 1);

            HttpResponse<String> rejected = platform.get("/function/one/?n=1");

            assertThat(rejected.statusCode()).isEqualTo(429);
            assertThat(rejected.headers().firstValue("Retry-After")).isPresent();
            assertThat(hog.get().statusCode()).isEqualTo(200);
        }
    }

    private List<HttpResponse<String>> parallelGets(int count, String path) throws Exception {
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                futures.add(clients.submit(() -> platform.get(path)));
            }
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                responses.add(future.get());
            }
            return responses;
        }
    }
}
