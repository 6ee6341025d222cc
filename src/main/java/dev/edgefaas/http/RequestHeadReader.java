package dev.edgefaas.http;

import dev.edgefaas.http.RequestHead.BodyFraming;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one request head and rejects, as {@link HttpFramingException}, everything RFC 9112
 * says a server must reject or whose framing two parsers could read differently: a request
 * this accepts has exactly one meaning, so a proxy that forwards it cannot be made to smuggle
 * (https://www.rfc-editor.org/rfc/rfc9112). Stateless; one call per request.
 */
public final class RequestHeadReader {
    /** Longer targets get 414: an invocation's path and query never come near this. */
    public static final int MAX_REQUEST_LINE = 8 * 1024;
    /** The whole field section; past it, 431. */
    public static final int MAX_FIELD_BYTES = 64 * 1024;
    public static final int MAX_FIELDS = 256;
    /** RFC 9112 section 2.2: ignore at least one empty line before the request line. */
    private static final int MAX_LEADING_EMPTY_LINES = 4;

    private RequestHeadReader() {
    }

    /** The next request's head, or null if the client closed the connection before sending a byte of it. */
    public static RequestHead read(LineReader in) throws IOException {
        String requestLine = in.readHeadLine(MAX_REQUEST_LINE, 414);
        for (int empty = 0; requestLine != null && requestLine.isEmpty(); empty++) {
            if (empty == MAX_LEADING_EMPTY_LINES) {
                throw new HttpFramingException(400, "empty lines where the request line should be");
            }
            requestLine = in.readHeadLine(MAX_REQUEST_LINE, 414);
        }
        if (requestLine == null) {
            return null;
        }
        RequestLine line = RequestLine.parse(requestLine);
        List<HeaderField> fields = readFields(in);
        return interpret(line, fields);
    }

    private static List<HeaderField> readFields(LineReader in) throws IOException {
        List<HeaderField> fields = new ArrayList<>(16);
        int bytes = 0;
        while (true) {
            String line = in.readHeadLine(MAX_FIELD_BYTES, 431);
            if (line == null) {
                throw new HttpFramingException(400, "the connection closed in the middle of the request head");
            }
            if (line.isEmpty()) {
                return fields;
            }
            bytes += line.length() + 2;
            if (bytes > MAX_FIELD_BYTES || fields.size() == MAX_FIELDS) {
                throw new HttpFramingException(431, "the request's header fields exceed " + MAX_FIELDS + " fields or "
                        + MAX_FIELD_BYTES + " bytes");
            }
            fields.add(FieldSyntax.parseFieldLine(line, "the request head"));
        }
    }

    private static RequestHead interpret(RequestLine line, List<HeaderField> fields) throws HttpFramingException {
        String host = null;
        int hosts = 0;
        String contentLength = null;
        String transferEncoding = null;
        boolean expectContinue = false;
        for (HeaderField field : fields) {
            String name = field.name();
            if (name.equalsIgnoreCase("host")) {
                hosts++;
                host = field.value();
            } else if (name.equalsIgnoreCase("content-length")) {
                if (contentLength != null) {
                    throw new HttpFramingException(400, "the request has more than one Content-Length field");
                }
                contentLength = field.value();
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                if (transferEncoding != null) {
                    throw new HttpFramingException(400, "the request has more than one Transfer-Encoding field");
                }
                transferEncoding = field.value();
            } else if (name.equalsIgnoreCase("expect")) {
                if (!field.value().equalsIgnoreCase("100-continue")) {
                    throw new HttpFramingException(417, "the only expectation served is 100-continue, not '"
                            + FieldSyntax.printable(field.value()) + "'");
                }
                expectContinue = true;
            }
        }
        // RFC 9112 section 3.2: exactly one Host in HTTP/1.1; an absolute-form target's authority wins over it.
        if (hosts > 1) {
            throw new HttpFramingException(400, "the request has more than one Host field");
        }
        if (hosts == 0 && !line.http10()) {
            throw new HttpFramingException(400, "an HTTP/1.1 request needs a Host field");
        }
        if (host != null && !validHost(host)) {
            throw new HttpFramingException(400, "the Host field is not a host[:port]: " + FieldSyntax.printable(host));
        }
        String effectiveHost = line.authority() != null ? line.authority() : host;

        BodyFraming framing = BodyFraming.NONE;
        long length = 0;
        if (transferEncoding != null) {
            // RFC 9112 section 6.1 and 6.3: with both, or in HTTP/1.0, the framing cannot be trusted.
            if (contentLength != null) {
                throw new HttpFramingException(400, "the request has both Content-Length and Transfer-Encoding");
            }
            if (line.http10()) {
                throw new HttpFramingException(400, "an HTTP/1.0 request cannot use Transfer-Encoding");
            }
            if (!transferEncoding.equalsIgnoreCase("chunked")) {
                throw new HttpFramingException(400, "the only transfer coding accepted is 'chunked', not '"
                        + FieldSyntax.printable(transferEncoding) + "'");
            }
            framing = BodyFraming.CHUNKED;
            length = -1;
        } else if (contentLength != null) {
            length = parseContentLength(contentLength);
            framing = length > 0 ? BodyFraming.FIXED : BodyFraming.NONE;
        }
        Set<String> options = ConnectionOptions.of(fields);
        boolean close = options.contains("close");
        boolean persistent = line.http10() ? options.contains("keep-alive") && !close : !close;
        return new RequestHead(line.method(), line.target(), line.http10(), fields, effectiveHost, framing, length,
                options, persistent, expectContinue && !line.http10() && framing != BodyFraming.NONE);
    }

    private static long parseContentLength(String value) throws HttpFramingException {
        long length = FieldSyntax.contentLength(value);
        if (length < 0) {
            throw new HttpFramingException(400, "the request's Content-Length is not a length: '"
                    + FieldSyntax.printable(value) + "'");
        }
        return length;
    }

    /** {@code uri-host [ ":" port ]}, or empty: reg-name, IPv4 and IP-literal characters only. */
    static boolean validHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
