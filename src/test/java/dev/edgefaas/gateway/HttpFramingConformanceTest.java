package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.gateway.RawHttpClient.Received;
import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/1.1 message framing at the invocation listener (RFC 9112), seen from outside: raw bytes
 * on a client socket, and what the recorder function received. A framing or syntax error is
 * answered 400 with {@code Connection: close} and a JSON error body, then the server closes the
 * connection: nothing of that request, nor anything after it, reaches the function.
 *
 * <p>Each test has a platform of its own, so that a case that leaks the recorder's one slot
 * cannot fail the next one.
 */
class HttpFramingConformanceTest {
    private static final String FN = "/function/rec";
    private static final String CHUNKED_POST = "POST " + FN + "/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    private final TestPlatform platform = new TestPlatform();
    private Recorder recorder;

    @BeforeEach
    void deploy() {
        recorder = Recorder.deploy(platform, "rec");
    }

    @AfterEach
    void close() {
        platform.close();
    }

    @Nested
    class ChunkedBodies {
        @Test
        void aChunkExtensionCannotSmuggleASecondRequest() {
            // The chunk's data is a whole second request; only a parser that mis-reads the size
            // line would see it as one.
            String data = "0\r\n\r\nGET " + FN + "/SMUGGLED?echo=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 7\r\n\r\n";
            String request = "POST " + FN + "/?echo=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(data.length()) + ";x\r\n" + data + "\r\n0\r\n\r\n";

            Received received = RawHttpClient.exchangeHalfClosed(port(), request);

            assertThat(received.only().status()).as("the answer to %s", received.only()).isEqualTo(200);
            RecordedRequest post = single(recorder.settle());
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.bodyText()).isEqualTo(data);
            assertThat(recorder.recorded()).noneMatch(r -> r.url().contains("SMUGGLED"));
        }

        static Stream<Named<String>> chunkExtensions() {
            return printable(";x", ";a=b;c=\"q;\\\"x\"", " ; a = b");
        }

        @ParameterizedTest(name = "a chunk size with extension \"{0}\" is accepted and the extension dropped")
        @MethodSource("chunkExtensions")
        void chunkExtensionsAreAcceptedAndNeverReachTheFunction(String extension) {
            RecordedRequest upload = forwardedOnce(CHUNKED_POST + "5" + extension + "\r\nhello\r\n0\r\n\r\n");

            assertThat(upload.bodyText()).isEqualTo("hello");
            assertThat(upload.everything()).doesNotContain("a=b", "q;", ";x");
        }

        @Test
        void chunkDataLongerThanItsSizeIsRejected() {
            assertRejectedAndNothingForwarded(CHUNKED_POST + "5\r\nhelloXX0\r\n\r\n", 400);
        }

        static Stream<Named<String>> malformedChunkSizes() {
            return printable("+5", "-5", "0x5", " 5", "5 5", "", "fffffffffffffffffff", "zz");
        }

        @ParameterizedTest(name = "chunk size line \"{0}\" is rejected")
        @MethodSource("malformedChunkSizes")
        void malformedChunkSizesAreRejected(String sizeLine) {
            assertRejectedAndNothingForwarded(CHUNKED_POST + sizeLine + "\r\nhello\r\n0\r\n\r\n", 400);
        }

        @Test
        void aChunkedBodyWithATrailerSectionArrivesWhole() {
            RecordedRequest upload = forwardedOnce(CHUNKED_POST + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");

            assertThat(upload.bodyText()).isEqualTo("hello world");
        }

        @Test
        void aChunkedBodyIsReframedWithTheSameBytes() {
            RecordedRequest upload = forwardedOnce(CHUNKED_POST + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

            assertThat(upload.bodyText()).isEqualTo("hello world");
            boolean chunked = upload.headers("Transfer-Encoding").equals(List.of("chunked"));
            assertThat(chunked || upload.headers("Content-Length").equals(List.of("11")))
                    .as("framed chunked or by Content-Length: 11: %s", upload).isTrue();
        }

        @Test
        void aFixedLengthBodyReachesTheFunctionWithTheSameContentLength() {
            RecordedRequest upload = forwardedOnce("POST " + FN + "/fixed HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
                    + "hello world");

            assertThat(upload.headers("Content-Length")).containsExactly("11");
            assertThat(upload.headers("Transfer-Encoding")).isEmpty();
            assertThat(upload.bodyText()).isEqualTo("hello world");
        }
    }

    @Nested
    class BodyLength {
        @Test
        void contentLengthTogetherWithTransferEncodingIsRejected() {
            assertRejectedAndNothingForwarded("POST " + FN + "/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400);
        }

        static Stream<Named<String>> invalidContentLengths() {
            return printable("Content-Length: 5\r\nContent-Length: 5", "Content-Length: 5\r\nContent-Length: 6",
                    "Content-Length: 5, 5", "Content-Length: -1", "Content-Length: +5", "Content-Length: 1e3",
                    "Content-Length: abc");
        }

        @ParameterizedTest(name = "\"{0}\" is rejected")
        @MethodSource("invalidContentLengths")
        void invalidContentLengthsAreRejected(String fields) {
            assertRejectedAndNothingForwarded("POST " + FN + "/ HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n\r\nhello", 400);
        }

        static Stream<Named<String>> unacceptableTransferCodings() {
            return printable("Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked, chunked",
                    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "Transfer-Encoding: identity");
        }

        @ParameterizedTest(name = "\"{0}\" is rejected")
        @MethodSource("unacceptableTransferCodings")
        void transferCodingsOtherThanOneChunkedAreRejected(String fields) {
            assertRejectedAndNothingForwarded("POST " + FN + "/ HTTP/1.1\r\nHost: x\r\n" + fields
                    + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400);
        }

        @Test
        void aTruncatedBodyIsAnswered400BeforeTheConnectionCloses() {
            try (RawHttpClient client = RawHttpClient.connect(port())) {
                client.write("POST " + FN + "/truncated HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhello").halfClose();

                assertAnsweredThenClosed(client, 400);
            }
            assertThat(recorder.settle()).isEmpty();
        }

        @Test
        void expectContinueGetsAnInterim100BeforeTheBodyIsSent() {
            try (RawHttpClient client = RawHttpClient.connect(port())) {
                RawResponse interim = client.write("POST " + FN + "/expect HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        + "Expect: 100-continue\r\n\r\n").next();
                assertThat(interim.status()).as("the interim response %s", interim).isEqualTo(100);

                RawResponse last = client.write("hello").next();
                assertThat(last.status()).as("the final response %s", last).isEqualTo(200);
            }
            RecordedRequest upload = single(recorder.settle());
            assertThat(upload.bodyText()).isEqualTo("hello");
            assertThat(upload.headers("Expect")).isEmpty();
        }
    }

    @Nested
    class Connections {
        @Test
        void connectionCloseEndsTheConnectionAfterThatRequestsResponse() {
            try (RawHttpClient client = RawHttpClient.connect(port())) {
                client.write("GET " + FN + "/first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        + "GET " + FN + "/second HTTP/1.1\r\nHost: x\r\n\r\n");

                RawResponse response = assertAnsweredThenClosed(client, 200);
                assertThat(response.saysConnectionClose()).as("Connection: close on %s", response).isTrue();
            }
            assertThat(recorder.settle()).extracting(RecordedRequest::url).containsExactly("/first");
        }

        @Test
        void aRequestPipelinedAfterARejectedOneIsNeverProcessed() {
            assertRejectedAndNothingForwarded("GET " + FN + "/bad HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
                    + "GET " + FN + "/after HTTP/1.1\r\nHost: x\r\n\r\n", 400);
        }

        @Test
        void anHttp10RequestWithoutHostIsServedAndThenTheConnectionCloses() {
            try (RawHttpClient client = RawHttpClient.connect(port())) {
                client.write("GET " + FN + "/ HTTP/1.0\r\n\r\n");

                assertAnsweredThenClosed(client, 200);
            }
            assertThat(recorder.settle()).extracting(RecordedRequest::url).containsExactly("/");
        }

        @Test
        void anHttp10RequestAskingForKeepAliveKeepsTheConnectionOpen() {
            String request = "GET " + FN + "/%s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
            try (RawHttpClient client = RawHttpClient.connect(port())) {
                RawResponse first = client.write(request.formatted("one")).next();
                assertThat(first.status()).as("status of %s", first).isEqualTo(200);
                assertThat(first.tokens("Connection")).as("Connection of %s", first).contains("keep-alive");
                assertThat(first.header("Content-Length")).as("Content-Length of %s", first).isPresent();

                RawResponse second = client.write(request.formatted("two")).next();
                assertThat(second.status()).as("status of %s", second).isEqualTo(200);
            }
            assertThat(recorder.settle()).extracting(RecordedRequest::url).containsExactly("/one", "/two");
        }

        @Test
        void oneEmptyLineBeforeTheRequestLineIsIgnored() {
            assertThat(forwardedOnce("\r\nGET " + FN + "/lead HTTP/1.1\r\nHost: x\r\n\r\n").url()).isEqualTo("/lead");
        }
    }

    @Nested
    class RequestLine {
        @Test
        void anAbsoluteFormTargetIsForwardedInOriginForm() {
            String authority = "127.0.0.1:" + port();
            RecordedRequest request = forwardedOnce("GET http://" + authority + FN + "/abs?x=1 HTTP/1.1\r\n"
                    + "Host: " + authority + "\r\n\r\n");

            assertThat(request.url()).isEqualTo("/abs?x=1");
        }

        static Stream<Named<String>> malformedRequestLines() {
            return printable("GET " + FN + "/admin\u0080echo=1 HTTP/1.1", "GET\t" + FN + "/ HTTP/1.1",
                    "G@T " + FN + "/ HTTP/1.1", "GET " + FN + "/ HTTP/1.x");
        }

        @ParameterizedTest(name = "request line \"{0}\" is rejected")
        @MethodSource("malformedRequestLines")
        void malformedRequestLinesAreRejected(String requestLine) {
            assertRejectedAndNothingForwarded(requestLine + "\r\nHost: x\r\n\r\n", 400);
        }

        @Test
        void anUnsupportedMajorVersionIsAnswered505() {
            assertRejectedAndNothingForwarded("GET " + FN + "/ HTTP/2.0\r\nHost: x\r\n\r\n", 505);
        }
    }

    @Nested
    class HeaderFields {
        static Stream<Named<String>> malformedHeaderSections() {
            return printable(
                    "Host: x\r\nX-Folded: a\r\n b\r\n",
                    "Host: x\r\nX-Folded: a\r\n\tb\r\n",
                    "Host: x\r\nX-Value: a\rb\r\n",
                    "Host: x\r\nX-Value: a\u0000b\r\n",
                    "Host: x\r\nX-Value: a\u0001b\r\n",
                    "Host: x\r\nX-Value: a\u007fb\r\n",
                    "Host : x\r\n",
                    "X-No-Host: x\r\n",
                    "Host: x\r\nHost: y\r\n");
        }

        @ParameterizedTest(name = "header section \"{0}\" is rejected")
        @MethodSource("malformedHeaderSections")
        void malformedHeaderSectionsAreRejected(String fields) {
            assertRejectedAndNothingForwarded("GET " + FN + "/ HTTP/1.1\r\n" + fields + "\r\n", 400);
        }

        @Test
        void aFieldLineWithAnEmptyNameIsRejected() {
            assertRejectedAndNothingForwarded("GET " + FN + "/ HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n", 400);
        }

        @Test
        void bareLineFeedsAsLineEndingsAreRejected() {
            assertRejectedAndNothingForwarded("GET " + FN + "/ HTTP/1.1\nHost: x\n\n", 400);
        }

        @Test
        void anObsTextValueIsForwardedByteForByte() {
            RecordedRequest request = forwardedOnce("GET " + FN + "/latin HTTP/1.1\r\nHost: x\r\nX-Latin: caf\u00e9\r\n\r\n");

            assertThat(request.headers("X-Latin")).containsExactly("caf\u00e9");
        }

        @Test
        void hopByHopFieldsAreDroppedAndEndToEndOnesForwarded() {
            RecordedRequest request = forwardedOnce("GET " + FN + "/hop HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Hop\r\n"
                    + "X-Hop: dropped\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: example/1\r\n"
                    + "Proxy-Connection: keep-alive\r\nX-End-To-End: kept\r\n\r\n");

            assertThat(request.headers("X-End-To-End")).containsExactly("kept");
            for (String hop : List.of("X-Hop", "Keep-Alive", "TE", "Upgrade", "Proxy-Connection")) {
                assertThat(request.headers(hop)).as("%s forwarded in %s", hop, request).isEmpty();
            }
            assertThat(String.join(",", request.headers("Connection")).toLowerCase(Locale.ROOT)).doesNotContain("x-hop");
        }

        @Test
        void forwardingFieldsFromTheClientAreReplacedByTheGatewaysOwn() {
            RecordedRequest request = forwardedOnce("GET " + FN + "/fwd HTTP/1.1\r\nHost: app.example\r\n"
                    + "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n"
                    + "Forwarded: for=6.6.6.6;host=evil\r\nX-Real-IP: 6.6.6.6\r\n\r\n");

            assertThat(request.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(request.headers("X-Forwarded-Host")).containsExactly("app.example");
            assertThat(request.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(request.headers("X-Real-IP")).containsExactly("127.0.0.1");
            assertThat(request.headers("Forwarded")).hasSize(1);
            assertThat(forwardedParameters(request.headers("Forwarded").getFirst()))
                    .isEqualTo(Map.of("for", "127.0.0.1", "host", "app.example", "proto", "http"));
            assertThat(request.everything()).doesNotContain("6.6.6.6", "evil");
        }

        @Test
        void connectionCannotStripHostOrTheGatewaysOwnFields() {
            RecordedRequest request = forwardedOnce("GET " + FN + "/conn HTTP/1.1\r\nHost: app.example\r\n"
                    + "Connection: Host, X-Forwarded-Proto, Via\r\n\r\n");

            assertThat(request.headers("Host")).containsExactly("app.example");
            assertThat(request.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(request.headers("Via")).anySatisfy(via -> assertThat(via).contains("edgefaas"));
        }

        /** One forwarded-element ({@code for=a;host="b"}) as its parameters, quotes removed. */
        private static Map<String, String> forwardedParameters(String element) {
            assertThat(element).as("a single forwarded-element").doesNotContain(",");
            Map<String, String> parameters = new LinkedHashMap<>();
            for (String pair : element.split(";")) {
                String[] nameValue = pair.trim().split("=", 2);
                String value = nameValue.length < 2 ? "" : nameValue[1];
                parameters.put(nameValue[0].toLowerCase(Locale.ROOT),
                        value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                                ? value.substring(1, value.length() - 1) : value);
            }
            return parameters;
        }
    }

    @Nested
    class ErrorBodies {
        static Stream<Named<String>> rejectedRequests() {
            return printable(
                    "POST " + FN + "/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                    "GET " + FN + "/ HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
                    CHUNKED_POST + "zz\r\nhello\r\n0\r\n\r\n",
                    "POST " + FN + "/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhello");
        }

        @ParameterizedTest(name = "the answer to \"{0}\" has a JSON error body")
        @MethodSource("rejectedRequests")
        void aRejectedRequestIsAnsweredWithAJsonErrorBody(String request) {
            RawResponse response = RawHttpClient.exchangeHalfClosed(port(), request).only();

            assertThat(response.status()).as("status of %s", response).isEqualTo(400);
            assertThat(response.header("Content-Type")).as("Content-Type of %s", response)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(response.json().path("status").asInt()).as("JSON error body of %s", response).isEqualTo(400);
            assertThat(response.json().path("error").asText()).as("JSON error body of %s", response).isNotBlank();
        }

        @Test
        void aManagementRequestWithNulInTheArtifactPathIsAClientError() {
            HttpResponse<String> response = platform.send(HttpRequest.newBuilder(platform.admin("/api/functions/nul"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"runtime\":\"binary\",\"artifact\":\"\\u0000\"}"))
                    .build());

            assertThat(response.statusCode()).as("answer %s", response.body()).isEqualTo(400);
            assertThat(response.body()).contains("artifact");
        }
    }

    private int port() {
        return platform.platform().port();
    }

    /** Test arguments named by their bytes, CR, LF and control characters escaped. */
    static Stream<Named<String>> printable(String... values) {
        return Stream.of(values).map(value -> Named.of(
                value.isEmpty() ? "(empty)" : RawHttpClient.printable(RawHttpClient.bytes(value), 120), value));
    }

    private static <T> T single(List<T> values) {
        assertThat(values).as("requests the function received").hasSize(1);
        return values.getFirst();
    }

    /**
     * The next response is {@code status}; then the server sends nothing more and closes the
     * connection. Fails at once, not at the read timeout, if the response keeps it open.
     */
    private static RawResponse assertAnsweredThenClosed(RawHttpClient client, int status) {
        RawResponse response = client.next();
        assertThat(response.status()).as("status of %s", response).isEqualTo(status);
        if (status >= 400) {
            assertThat(response.saysConnectionClose()).as("Connection: close on %s", response).isTrue();
        }
        Received rest = client.readToEnd();
        assertThat(rest.responses()).as("responses after %s", response).isEmpty();
        assertThat(rest.closed()).as("the server closed the connection after %s", response).isTrue();
        return response;
    }

    private void assertRejectedAndNothingForwarded(String request, int status) {
        try (RawHttpClient client = RawHttpClient.connect(port())) {
            assertAnsweredThenClosed(client.write(request), status);
        }
        assertThat(recorder.settle()).as("requests that reached the function").isEmpty();
    }

    /** The one request the function received, after a 200 read on a connection of its own. */
    private RecordedRequest forwardedOnce(String request) {
        try (RawHttpClient client = RawHttpClient.connect(port())) {
            RawResponse response = client.write(request).next();
            assertThat(response.status()).as("status of %s", response).isEqualTo(200);
        }
        return single(recorder.settle());
    }
}
