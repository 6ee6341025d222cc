package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An operator sees refused requests in /metrics, by status, beside the invocations. */
class RejectedRequestsMetricTest {
    private final TestPlatform platform = new TestPlatform();

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void requestsRefusedForTheirFramingAreCountedByStatus() {
        platform.deploySample("hello-go", "echo", "");
        int port = platform.platform().port();

        RawHttpClient.exchangeHalfClosed(port, "GET /function/echo/ HTTP/2.0\r\nHost: x\r\n\r\n");
        RawHttpClient.exchangeHalfClosed(port, "POST /function/echo/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        RawHttpClient.exchangeHalfClosed(port, "GET /function/echo/ HTTP/1.1\r\nHost : x\r\n\r\n");
        String metrics = platform.send(HttpRequest.newBuilder(platform.admin("/metrics")).build()).body();

        assertThat(metrics).containsPattern("edgefaas_rejected_requests_total\\{status=\"400\"} 2\\.0")
                .containsPattern("edgefaas_rejected_requests_total\\{status=\"505\"} 1\\.0");
    }
}
