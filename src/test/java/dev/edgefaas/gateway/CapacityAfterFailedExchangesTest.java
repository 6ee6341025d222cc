package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.gateway.RawHttpClient.Received;
import dev.edgefaas.testing.TestPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An exchange the client breaks (a body cut short or malformed, a socket closed mid-way) gives
 * its slot on the instance back: the function's capacity is whole again afterwards, however
 * many such exchanges came before. One platform for the class; each test deploys a function
 * of its own, so a leak in one cannot starve the next.
 */
class CapacityAfterFailedExchangesTest {
    /** Each function gets this many slots on its one instance; a leak of that many starves it. */
    private static final String LIMITS = "\"concurrency\": 3, \"max-instances\": 1, \"queue-timeout\": \"2s\"";
    private static final int TRUNCATED_UPLOADS = 1_000;
    private static final int REPETITIONS = 4;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static TestPlatform platform;

    @BeforeAll
    static void start() {
        platform = new TestPlatform();
    }

    @AfterAll
    static void close() {
        platform.close();
    }

    @Test
    void aThousandTruncatedUploadsLeaveTheFunctionsCapacityWhole() {
        platform.deploySample("hello-go", "uploads", LIMITS);
        String upload = "POST /function/uploads/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhello";

        for (int i = 1; i <= TRUNCATED_UPLOADS; i++) {
            Received received = RawHttpClient.exchangeHalfClosed(platform.platform().port(), upload);
            assertThat(received.responses()).as("upload %d found the function's slots all taken by earlier ones", i)
                    .noneMatch(response -> response.status() == 503);
        }

        assertThat(platform.get("/function/uploads/").statusCode()).isEqualTo(200);
        awaitNoneInFlight("uploads");
    }

    /** A way for the client to break an exchange with function {@code fn}; each returns once the gateway has seen it. */
    enum FailedExchange {
        TRUNCATED_FIXED_LENGTH_BODY("hello-go") {
            @Override
            void breakOne(String fn) {
                RawHttpClient.exchangeHalfClosed(port(), post(fn, "Content-Length: 100") + "hello");
            }
        },
        TRUNCATED_CHUNKED_BODY("hello-go") {
            @Override
            void breakOne(String fn) {
                RawHttpClient.exchangeHalfClosed(port(), post(fn, "Transfer-Encoding: chunked") + "64\r\nhello");
            }
        },
        MALFORMED_CHUNK_SIZE("hello-go") {
            @Override
            void breakOne(String fn) {
                RawHttpClient.exchangeHalfClosed(port(), post(fn, "Transfer-Encoding: chunked") + "zz\r\nhello\r\n0\r\n\r\n");
            }
        },
        NO_CRLF_AFTER_CHUNK_DATA("hello-go") {
            @Override
            void breakOne(String fn) {
                RawHttpClient.exchangeHalfClosed(port(), post(fn, "Transfer-Encoding: chunked") + "5\r\nhelloXX\r\n0\r\n\r\n");
            }
        },
        CLIENT_CLOSING_MID_UPLOAD("hello-go") {
            @Override
            void breakOne(String fn) {
                try (Socket socket = new Socket("127.0.0.1", port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(RawHttpClient.bytes(post(fn, "Content-Length: 1000000") + "x".repeat(8192)));
                    out.flush();
                    // Closed only once the upload holds a slot, so that a slot it leaks is seen.
                    await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(fn) == 1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        },
        CLIENT_CLOSING_MID_RESPONSE("static-go") {
            @Override
            void breakOne(String fn) {
                try (Socket socket = new Socket("127.0.0.1", port())) {
                    socket.getOutputStream().write(RawHttpClient.bytes("GET /function/" + fn + "/ HTTP/1.1\r\nHost: x\r\n\r\n"));
                    InputStream in = socket.getInputStream();
                    assertThat(in.readNBytes(8192)).as("the start of the 50 MiB answer").hasSize(8192);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };

        private final String sample;

        FailedExchange(String sample) {
            this.sample = sample;
        }

        abstract void breakOne(String fn);

        String function() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        private static String post(String fn, String framing) {
            return "POST /function/" + fn + "/ HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n";
        }
    }

    @ParameterizedTest(name = "after {0}, every slot is free again and the next request gets 200")
    @EnumSource(FailedExchange.class)
    void aBrokenExchangeGivesItsSlotBack(FailedExchange kind) {
        String fn = kind.function();
        platform.deploySample(kind.sample, fn, LIMITS);
        assertThat(get(fn)).as("a first request, which starts the instance").isEqualTo(200);

        for (int i = 0; i < REPETITIONS; i++) {
            kind.breakOne(fn);
            awaitNoneInFlight(fn);
        }

        assertThat(get(fn)).as("a request after the broken ones").isEqualTo(200);
    }

    /** The status of a plain GET of {@code fn}, its body (50 MiB for static-go) read and dropped. */
    private static int get(String fn) {
        try {
            return HTTP.send(HttpRequest.newBuilder(platform.gateway("/function/" + fn + "/")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitNoneInFlight(String fn) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                assertThat(inFlight(fn)).as("requests in flight on %s's instances", fn).isZero());
    }

    private static int inFlight(String fn) {
        return platform.instances(fn).stream().mapToInt(InstanceView::inFlight).sum();
    }

    private static int port() {
        return platform.platform().port();
    }
}
