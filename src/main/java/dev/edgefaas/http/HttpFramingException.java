package dev.edgefaas.http;

import java.io.IOException;

/**
 * A message that breaks the syntax or framing rules of RFC 9112: the peer's fault, not ours.
 * On a client connection it is answered with {@link #status()} and the connection is closed,
 * because after a framing error nobody can say where the next message starts.
 */
public final class HttpFramingException extends IOException {
    private final int status;

    public HttpFramingException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 400, or a more specific 4xx/505 (414 target too long, 431 fields too large, 505 version). */
    public int status() {
        return status;
    }
}
