package dev.edgefaas.admin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions of the dashboard: the admin token is given once, to log in, and the browser
 * then holds a random session id in an {@code HttpOnly}, {@code SameSite=Strict} cookie, so no
 * token travels in a URL (where access logs and browser history would keep it) nor sits where
 * the page's scripts could read it. Kept in memory: a restarted node asks to log in again.
 */
final class DashboardSessions {
    static final String COOKIE = "edgefaas_session";
    /** A session unused for this long is gone. */
    static final Duration IDLE_LIMIT = Duration.ofHours(8);
    /** Past this many, the least recently used one goes: logins cannot fill the node's memory. */
    private static final int MAX_SESSIONS = 256;
    private static final int ID_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> lastUse = new ConcurrentHashMap<>();
    private final Clock clock;

    DashboardSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session's id, for the cookie. */
    String open() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        expireIdle();
        while (lastUse.size() >= MAX_SESSIONS) {
            lastUse.entrySet().stream().min(Map.Entry.comparingByValue())
                    .ifPresent(oldest -> lastUse.remove(oldest.getKey()));
        }
        lastUse.put(id, clock.instant());
        return id;
    }

    /** Whether {@code id} names a live session; using it keeps it alive. */
    boolean valid(Optional<String> id) {
        if (id.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        Instant last = lastUse.get(id.get());
        if (last == null || Duration.between(last, now).compareTo(IDLE_LIMIT) > 0) {
            id.ifPresent(lastUse::remove);
            return false;
        }
        lastUse.put(id.get(), now);
        return true;
    }

    void close(String id) {
        lastUse.remove(id);
    }

    /** The cookie that carries {@code id}; {@code secure} when the listener is TLS, so it never goes in clear. */
    static String cookie(String id, boolean secure) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + IDLE_LIMIT.toSeconds()
                + (secure ? "; Secure" : "");
    }

    /** The cookie that ends a session in the browser. */
    static String expiredCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    private void expireIdle() {
        Instant cutoff = clock.instant().minus(IDLE_LIMIT);
        for (Iterator<Map.Entry<String, Instant>> entries = lastUse.entrySet().iterator(); entries.hasNext(); ) {
            if (entries.next().getValue().isBefore(cutoff)) {
                entries.remove();
            }
        }
    }
}
