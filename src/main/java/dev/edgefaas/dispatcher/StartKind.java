package dev.edgefaas.dispatcher;

import java.util.Locale;

/** How a request was served, as the gateway reports it in {@code X-Start}. */
public enum StartKind {
    /** The request waited for a new instance to start (its own, or one already booting). */
    COLD,
    /** An instance was ready when the request arrived. */
    WARM;

    /** Computed once: every request asks for it, twice. */
    private final String header = name().toLowerCase(Locale.ROOT);

    public String header() {
        return header;
    }
}
