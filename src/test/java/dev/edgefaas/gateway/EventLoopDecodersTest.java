package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.http.ChunkedInputStream;
import dev.edgefaas.http.HttpFramingException;
import dev.edgefaas.http.LineReader;
import dev.edgefaas.http.RequestHead;
import dev.edgefaas.http.RequestHeadReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event loop reads heads and chunked bodies as their bytes arrive, in pieces a client
 * chooses; the blocking readers are where the framing rules are written. For every input and
 * every point where it could be split in two reads, both must reach the same verdict: the same
 * head or content, or the same status and message.
 */
class EventLoopDecodersTest {
    private static final String AFTER = "GET /next HTTP/1.1\r\n";

    static Stream<String> chunkedBodies() {
        return Stream.of(
                "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                "5;x\r\nhello\r\n0\r\n\r\n",
                "5 ; a = b\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n",
                "5\r\nhelloXX0\r\n\r\n",
                "zz\r\nhello\r\n0\r\n\r\n",
                "5\nhello\r\n0\r\n\r\n",
                "5\r\nhello\r\n0\r\nBad Trailer: x\r\n\r\n",
                "fffffffffffffffffff\r\nx\r\n0\r\n\r\n",
                "0\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("chunkedBodies")
    void aChunkedBodySplitAnywhereDecodesAsTheBlockingReaderDoes(String body) {
        String expected = blockingChunked(body);
        byte[] bytes = (body + AFTER).getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= body.length(); split++) {
            assertThat(printable(eventLoopChunked(bytes, split))).as("%s split at %d", printable(body), split)
                    .isEqualTo(printable(expected));
        }
    }

    static Stream<String> heads() {
        return Stream.of(
                "GET /function/f/x?a=1 HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\r\n",
                "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                "GET / HTTP/1.1\nHost: h\r\n\r\n",
                "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
                "GET / HTTP/2.0\r\nHost: h\r\n\r\n",
                "GET / HTTP/1.1\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("heads")
    void aRequestHeadSplitAnywhereParsesAsTheBlockingReaderDoes(String head) {
        String expected = blockingHead(head);
        for (int split = 0; split <= head.length(); split++) {
            assertThat(printable(eventLoopHead(head, split))).as("%s split at %d", printable(head), split)
                    .isEqualTo(printable(expected));
        }
    }

    private static String blockingChunked(String body) {
        LineReader in = new LineReader(new ByteArrayInputStream((body + AFTER).getBytes(StandardCharsets.ISO_8859_1)), 64);
        try {
            byte[] content = new ChunkedInputStream(in, "the client").readAllBytes();
            return "content " + new String(content, StandardCharsets.ISO_8859_1) + " then " + rest(in);
        } catch (HttpFramingException e) {
            return e.status() + " " + e.getMessage();
        } catch (IOException e) {
            return "failed " + e;
        }
    }

    private static String eventLoopChunked(byte[] bytes, int split) {
        ChunkedDecoder decoder = new ChunkedDecoder("the client");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        ByteBuf received = Unpooled.buffer();
        try {
            Consumer<ByteBuf> collect = chunk -> {
                byte[] copy = new byte[chunk.readableBytes()];
                chunk.readBytes(copy);
                chunk.release();
                content.writeBytes(copy);
            };
            received.writeBytes(slice(bytes, 0, split));
            boolean complete = decoder.decode(received, collect);
            // The rest arrives whether or not the body is complete: what follows it must stay unread.
            received.writeBytes(slice(bytes, split, bytes.length));
            if (!complete) {
                decoder.decode(received, collect);
            }
            return "content " + content.toString(StandardCharsets.ISO_8859_1) + " then "
                    + received.toString(StandardCharsets.ISO_8859_1);
        } catch (HttpFramingException e) {
            return e.status() + " " + e.getMessage();
        } catch (IOException e) {
            return "failed " + e;
        }
    }

    private static String blockingHead(String head) {
        LineReader in = new LineReader(new ByteArrayInputStream((head + AFTER).getBytes(StandardCharsets.ISO_8859_1)), 64);
        try {
            return describe(RequestHeadReader.read(in)) + " then " + rest(in);
        } catch (HttpFramingException e) {
            return e.status() + " " + e.getMessage();
        } catch (IOException e) {
            return "failed " + e;
        }
    }

    private static String eventLoopHead(String head, int split) {
        byte[] bytes = (head + AFTER).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf received = Unpooled.buffer();
        try {
            received.writeBytes(slice(bytes, 0, split));
            RequestHead parsed = PendingHead.request(received, false);
            if (parsed == null) {
                received.writeBytes(slice(bytes, split, bytes.length));
                parsed = PendingHead.request(received, false);
            } else {
                received.writeBytes(slice(bytes, split, bytes.length));
            }
            return describe(parsed) + " then " + received.toString(StandardCharsets.ISO_8859_1);
        } catch (HttpFramingException e) {
            return e.status() + " " + e.getMessage();
        } catch (IOException e) {
            return "failed " + e;
        }
    }

    private static String describe(RequestHead head) {
        return head == null ? "none" : head.method() + " " + head.target() + " " + head.fields() + " " + head.framing();
    }

    private static String rest(LineReader in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
