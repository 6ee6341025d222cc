package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.testing.Fixtures;
import dev.edgefaas.testing.TestPlatform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwardingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPlatform platform = new TestPlatform();

    @BeforeEach
    void deploy() {
        platform.deploySample("hello-go", "echo", "");
    }

    @AfterEach
    void close() {
        platform.close();
    }

    @Test
    void methodPathQueryHeadersAndBodyReachTheInstance() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(platform.gateway("/function/echo/a/b%20c?echo=1&x=%2F"))
                .header("X-Custom", "42")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("twelve bytes"))
                .build();

        HttpResponse<String> response = platform.send(request);

        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("method").asText()).isEqualTo("PATCH");
        assertThat(echo.path("path").asText()).isIn("/a/b c", "/a/b%20c");
        assertThat(echo.path("query").asText()).isEqualTo("echo=1&x=%2F");
        assertThat(echo.path("bodyBytes").asLong()).isEqualTo(12);
        JsonNode headers = echo.path("headers");
        assertThat(headers.path("X-Custom").get(0).asText()).isEqualTo("42");
        assertThat(headers.path("Via").get(0).asText()).contains("edgefaas");
        assertThat(headers.path("X-Forwarded-For").get(0).asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void hopByHopHeadersAndThoseNamedByConnectionAreNotForwarded() throws IOException {
        String raw = "GET /function/echo/?echo=1 HTTP/1.1\r\nHost: gateway\r\nConnection: keep-alive, X-Secret-Hop\r\n"
                + "X-Secret-Hop: dropped\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nX-Kept: yes\r\n\r\n";

        String response = rawExchange(raw);

        assertThat(response).startsWith("HTTP/1.1 200");
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        JsonNode headers = JSON.readTree(body).path("headers");
        assertThat(headers.has("X-Kept")).isTrue();
        assertThat(headers.has("X-Secret-Hop")).isFalse();
        assertThat(headers.has("Keep-Alive")).isFalse();
        assertThat(headers.has("Te")).isFalse();
        assertThat(headers.path("X-Forwarded-Host").get(0).asText()).isEqualTo("gateway");
    }

    @Test
    void eachRequestOfAKeepAliveConnectionIsForwardedWithItsOwnHost() throws IOException {
        // The identifying fields are kept per connection for the last host: a change of host must show.
        List<JsonNode> seen = new ArrayList<>();
        try (RawHttpClient client = RawHttpClient.connect(platform.platform().port())) {
            for (String host : List.of("a.example", "a.example", "b.example:8080", "a.example")) {
                client.write("GET /function/echo/?echo=1 HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                seen.add(JSON.readTree(client.next().bodyText()).path("headers"));
            }
        }

        assertThat(seen).extracting(headers -> headers.path("X-Forwarded-Host").get(0).asText())
                .containsExactly("a.example", "a.example", "b.example:8080", "a.example");
        assertThat(seen).extracting(headers -> headers.path("Forwarded").get(0).asText())
                .containsExactly("for=127.0.0.1;host=a.example;proto=http", "for=127.0.0.1;host=a.example;proto=http",
                        "for=127.0.0.1;host=\"b.example:8080\";proto=http", "for=127.0.0.1;host=a.example;proto=http");
        assertThat(seen).allSatisfy(headers -> {
            assertThat(headers.path("X-Forwarded-For").get(0).asText()).isEqualTo("127.0.0.1");
            assertThat(headers.path("Via").size()).isEqualTo(1);
        });
    }

    @Test
    void aFunctionsOwn400ReachesTheClientUnchanged() {
        platform.deploySample("fib-go", "fib", "");

        HttpResponse<String> response = platform.get("/function/fib/?n=banana");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("n");
        assertThat(response.headers().firstValue("X-Start")).isPresent();
    }

    @Test
    void chunkedUploadsAndChunkedAnswersStreamThroughReframed() throws Exception {
        Path script = Fixtures.temporaryDirectory().resolve("chunky.js");
        Files.writeString(script, """
                const http = require('http');
                http.createServer((req, res) => {
                  let bytes = 0;
                  req.on('data', d => bytes += d.length);
                  req.on('end', () => {
                    if (req.url.startsWith('/nothing')) { res.statusCode = 204; res.end(); return; }
                    res.setHeader('X-Body-Bytes', String(bytes));
                    res.setHeader('X-Request-Framing', req.headers['transfer-encoding'] || 'length');
                    res.write('part1-');
                    setTimeout(() => { res.write('part2-'); res.end('end'); }, 10);
                  });
                }).listen(process.env.PORT, process.env.HOST, () => {
                  http.get(process.env.EDGEFAAS_CALLBACK_URL, r => r.resume());
                });
                """);
        platform.deploy("chunky", "{\"runtime\": \"node\", \"artifact\": \"" + script + "\"}");
        byte[] upload = new byte[1024 * 1024];

        HttpResponse<String> response = platform.send(HttpRequest.newBuilder(platform.gateway("/function/chunky/"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload)))
                .build());
        HttpResponse<String> empty = platform.get("/function/chunky/nothing");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("part1-part2-end");
        assertThat(response.headers().firstValue("X-Body-Bytes")).hasValue(Integer.toString(upload.length));
        assertThat(response.headers().firstValue("X-Request-Framing")).hasValue("chunked");
        assertThat(empty.statusCode()).isEqualTo(204);
        assertThat(empty.body()).isEmpty();
    }

    @Test
    void aChunkedAnswerReachesAnHttp10ClientUnchunkedAndEndsWithTheConnection() throws Exception {
        Path script = Fixtures.temporaryDirectory().resolve("chunky10.js");
        Files.writeString(script, """
                const http = require('http');
                http.createServer((req, res) => {
                  res.write('part1-');
                  setTimeout(() => res.end('end'), 10);
                }).listen(process.env.PORT, process.env.HOST, () => {
                  http.get(process.env.EDGEFAAS_CALLBACK_URL, r => r.resume());
                });
                """);
        platform.deploy("chunky10", "{\"runtime\": \"node\", \"artifact\": \"" + script + "\"}");

        String response;
        try (Socket socket = new Socket("127.0.0.1", platform.platform().port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /function/chunky10/ HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);

        assertThat(head).startsWith("http/1.1 200").contains("connection: close")
                .doesNotContain("transfer-encoding").doesNotContain("content-length");
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).isEqualTo("part1-end");
    }

    @Test
    void theFunctionNameAloneForwardsToTheRootPath() {
        HttpResponse<String> response = platform.get("/function/echo");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello\n");
    }

    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", platform.platform().port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder text = new StringBuilder();
            byte[] buffer = new byte[8192];
            int contentLength = -1;
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0 && contentLength < 0) {
                    String head = text.substring(0, end).toLowerCase();
                    int at = head.indexOf("content-length:");
                    contentLength = Integer.parseInt(head.substring(at + 15).split("\r\n")[0].trim());
                }
                if (end >= 0 && text.length() - end - 4 >= contentLength) {
                    break;
                }
            }
            return text.toString();
        }
    }
}
