package dev.edgefaas.gateway;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} field's value (RFC 9110 section 5.6.7), formatted once a second, not once a response. */
final class HttpDate {
    private record Cached(long second, String value) {
    }

    /** IMF-fixdate: two-digit day, English names, always GMT. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    private static volatile Cached cached = new Cached(-1, "");

    private HttpDate() {
    }

    static String now() {
        long second = System.currentTimeMillis() / 1000;
        Cached current = cached;
        if (current.second() != second) {
            String value = IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC));
            current = new Cached(second, value);
            cached = current;
        }
        return current.value();
    }
}
