package dev.edgefaas.http;

import java.util.List;
import java.util.Set;

/**
 * A request's line and fields as {@link RequestHeadReader} accepted them, with what they mean
 * for framing and the connection already worked out.
 *
 * @param method        a token, as sent (methods are case-sensitive)
 * @param target        the path and query in origin form, byte for byte as sent (an absolute-form
 *                      target reduced to its path and query)
 * @param http10        an HTTP/1.0 request (no chunked bodies, no keep-alive unless asked)
 * @param fields        every field line in order, Host included
 * @param host          the effective host: the authority of an absolute-form target, else the Host
 *                      field; null only for an HTTP/1.0 request without one
 * @param framing       how the body is delimited
 * @param contentLength the body's length for {@link BodyFraming#FIXED}, else 0 or -1 (chunked)
 * @param connectionOptions the options of its Connection fields ({@link ConnectionOptions})
 * @param keepAlive     whether the client lets the connection carry another request after this one
 * @param expectContinue the client waits for {@code 100 Continue} before it sends the body
 */
public record RequestHead(String method, String target, boolean http10, List<HeaderField> fields, String host,
                          BodyFraming framing, long contentLength, Set<String> connectionOptions, boolean keepAlive,
                          boolean expectContinue) {

    /** How a request body is delimited (RFC 9112 section 6.3). */
    public enum BodyFraming { NONE, FIXED, CHUNKED }

    /** About what this head holds in memory: its target and fields, as they came. */
    public long heldBytes() {
        long bytes = method.length() + target.length();
        for (HeaderField field : fields) {
            bytes += field.name().length() + field.value().length() + 4;
        }
        return bytes;
    }

    public boolean hasBody() {
        return framing != BodyFraming.NONE;
    }

    /** The target up to its {@code ?}, still percent-encoded. */
    public String rawPath() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The target after its {@code ?}, or empty. */
    public String rawQuery() {
        int query = target.indexOf('?');
        return query < 0 ? "" : target.substring(query + 1);
    }
}
