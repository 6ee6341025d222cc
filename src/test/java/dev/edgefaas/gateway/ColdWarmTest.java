package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColdWarmTest {
    private final TestPlatform platform = new TestPlatform();

    @AfterEach
    void close() {
        platform.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello-go", "hello-node"})
    void firstRequestIsColdAndTheNextIsWarmOnTheSameInstance(String sample) {
        platform.deploySample(sample, sample, "");

        HttpResponse<String> first = platform.get("/function/" + sample + "/");
        HttpResponse<String> second = platform.get("/function/" + sample + "/");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("hello\n");
        assertThat(first.headers().firstValue("X-Start")).hasValue("cold");
        assertThat(first.headers().firstValue("Server-Timing")).get().asString()
                .contains("prepare;dur=", "spawn;dur=", "ready;dur=");
        assertThat(second.headers().firstValue("X-Start")).hasValue("warm");
        assertThat(second.headers().firstValue("X-Edgefaas-Instance"))
                .isEqualTo(first.headers().firstValue("X-Edgefaas-Instance"));
        assertThat(platform.instances(sample)).hasSize(1);
    }

    @Test
    void anIdleInstanceIsStoppedAfterItsKeepaliveAndTheNextRequestIsColdAgain() {
        platform.deploySample("hello-go", "short-lived", "\"keepalive\": \"300ms\"");
        assertThat(platform.get("/function/short-lived/").headers().firstValue("X-Start")).hasValue("cold");
        long pid = platform.instances("short-lived").getFirst().pid().orElseThrow();

        await().atMost(Duration.ofSeconds(10)).until(() -> platform.instances("short-lived").isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));

        assertThat(platform.get("/function/short-lived/").headers().firstValue("X-Start")).hasValue("cold");
    }

    @Test
    void minInstancesAreStartedAheadOfRequestsAndOutliveTheirKeepalive() {
        platform.deploySample("hello-go", "prewarmed", "\"keepalive\": \"100ms\", \"min-instances\": 2");

        await().atMost(Duration.ofSeconds(10)).until(() -> platform.instances("prewarmed").stream()
                .filter(i -> i.state().equals("ready")).count() == 2);
        assertThat(platform.get("/function/prewarmed/").headers().firstValue("X-Start")).hasValue("warm");
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> platform.instances("prewarmed").size() == 2);
    }

    @Test
    void singleUseGivesEveryRequestAFreshInstanceAndStopsItAfterwards() {
        platform.deploySample("hello-go", "once", "\"single-use\": true, \"concurrency\": 1");

        HttpResponse<String> first = platform.get("/function/once/");
        HttpResponse<String> second = platform.get("/function/once/");

        assertThat(first.headers().firstValue("X-Start")).hasValue("cold");
        assertThat(second.headers().firstValue("X-Start")).hasValue("cold");
        assertThat(first.headers().firstValue("X-Edgefaas-Instance"))
                .isNotEqualTo(second.headers().firstValue("X-Edgefaas-Instance"));
        await().atMost(Duration.ofSeconds(5)).until(() -> platform.instances("once").isEmpty());
    }

    @Test
    void anUnknownFunctionIsA404WithAJsonError() {
        HttpResponse<String> response = platform.get("/function/nobody/");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"error\"", "nobody");
    }
}
