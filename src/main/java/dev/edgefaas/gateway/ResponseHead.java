package dev.edgefaas.gateway;

import java.util.List;
import java.util.Locale;

/**
 * The status line and header fields of an instance's answer, and how its body is delimited
 * (RFC 9112 section 6.3, https://www.rfc-editor.org/rfc/rfc9112#section-6.3).
 */
record ResponseHead(int status, String reason, List<Field> fields, Framing framing, long contentLength,
                    boolean connectionClose) {

    /** One header field line as received. */
    record Field(String name, String value) {
        boolean is(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    /** How the body ends. */
    enum Framing { NONE, FIXED, CHUNKED, UNTIL_CLOSE }

    static ResponseHead of(int status, String reason, List<Field> fields, boolean headRequest) {
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (Field field : fields) {
            if (field.is("content-length")) {
                contentLength = Long.parseLong(field.value().trim());
            } else if (field.is("transfer-encoding")) {
                chunked = field.value().toLowerCase(Locale.ROOT).contains("chunked");
            } else if (field.is("connection")) {
                close = field.value().toLowerCase(Locale.ROOT).contains("close");
            }
        }
        Framing framing;
        if (headRequest || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            framing = Framing.NONE;
        } else if (chunked) {
            framing = Framing.CHUNKED;
        } else if (contentLength >= 0) {
            framing = contentLength == 0 ? Framing.NONE : Framing.FIXED;
        } else {
            framing = Framing.UNTIL_CLOSE;
        }
        return new ResponseHead(status, reason, List.copyOf(fields), framing, contentLength,
                close || framing == Framing.UNTIL_CLOSE);
    }
}
