package dev.edgefaas.gateway;

import dev.edgefaas.http.ConnectionOptions;
import dev.edgefaas.http.FieldSyntax;
import dev.edgefaas.http.HeaderField;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The status line and header fields of an instance's answer, and how its body is delimited
 * (RFC 9112 section 6.3, https://www.rfc-editor.org/rfc/rfc9112#section-6.3).
 */
record ResponseHead(int status, String reason, List<HeaderField> fields, Framing framing, long contentLength,
                    Set<String> connectionOptions, boolean connectionClose) {

    /** How the body ends. */
    enum Framing { NONE, FIXED, CHUNKED, UNTIL_CLOSE }

    /** @throws IOException if the framing fields contradict each other or do not parse */
    static ResponseHead of(int status, String reason, List<HeaderField> fields, boolean headRequest) throws IOException {
        long contentLength = -1;
        boolean chunked = false;
        boolean sawTransferEncoding = false;
        for (HeaderField field : fields) {
            if (field.is("content-length")) {
                long length = parseLength(field.value());
                if (contentLength >= 0 && length != contentLength) {
                    throw new IOException("the instance's answer has conflicting Content-Length fields");
                }
                contentLength = length;
            } else if (field.is("transfer-encoding")) {
                // Chunked is the final coding or the body runs to the connection's close (RFC 9112 section 6.3).
                chunked = field.value().toLowerCase(Locale.ROOT).strip().endsWith("chunked");
                sawTransferEncoding = true;
            }
        }
        Framing framing;
        if (headRequest || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            framing = Framing.NONE;
        } else if (chunked) {
            framing = Framing.CHUNKED;
        } else if (contentLength >= 0 && !sawTransferEncoding) {
            framing = contentLength == 0 ? Framing.NONE : Framing.FIXED;
        } else {
            framing = Framing.UNTIL_CLOSE;
        }
        Set<String> options = ConnectionOptions.of(fields);
        // A view, not a copy: the reader's list is its own and is not touched again.
        return new ResponseHead(status, reason, Collections.unmodifiableList(fields), framing, contentLength, options,
                options.contains("close") || framing == Framing.UNTIL_CLOSE);
    }

    private static long parseLength(String value) throws IOException {
        long length = FieldSyntax.contentLength(value);
        if (length < 0) {
            throw new IOException("the instance's answer has a Content-Length that is not a length: " + value);
        }
        return length;
    }
}
