package dev.edgefaas.bench;

import dev.edgefaas.host.Executables;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from {@code wrk} in a process of its own: an event-loop client in C, lighter than hey, so
 * on a 2-core machine more of the CPU is left to what is measured. It runs for a time, not a
 * number of requests: {@code requests} is turned into the time hey would take at 20,000 req/s,
 * at least {@link #MIN_DURATION}.
 */
public final class WrkRun {
    private static final Duration MIN_DURATION = Duration.ofSeconds(2);
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private WrkRun() {
    }

    public static boolean available() {
        return Executables.find("wrk").isPresent();
    }

    /** Runs {@code wrk -t1 -c clients} against {@code target}; errors are non-2xx answers and socket errors. */
    public static LoadRun.Result run(URI target, int clients, int requests) throws IOException, InterruptedException {
        long seconds = Math.max(MIN_DURATION.toSeconds(), requests / 20_000);
        // One thread: wrk's event loop keeps up with one core's worth of proxy, and the other core is the proxy's.
        Process wrk = new ProcessBuilder(List.of("wrk", "-t1", "-c" + clients, "-d" + seconds + "s", target.toString()))
                .redirectErrorStream(true).start();
        String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IOException("wrk failed: " + report);
        }
        Matcher done = REQUESTS.matcher(report);
        if (!done.find()) {
            throw new IOException("wrk printed no request count: " + report);
        }
        long count = Long.parseLong(done.group(1));
        double value = Double.parseDouble(done.group(2));
        long nanos = (long) (value * switch (done.group(3)) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "m" -> 60e9;
            default -> 1e9;
        });
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(report);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET_ERRORS.matcher(report);
        if (socket.find()) {
            for (int group = 1; group <= 4; group++) {
                errors += Long.parseLong(socket.group(group));
            }
        }
        return new LoadRun.Result(clients, (int) count, errors, nanos, null);
    }
}
