package dev.edgefaas.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from {@code hey} (the paper's load generator) in a process of its own, so that the load
 * does not share the gateway's JVM. Reports throughput; hey's latency resolution (100 us) is
 * too coarse for the latency figures, which {@link LoadRun} measures.
 */
public final class HeyRun {
    private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern STATUS_200 = Pattern.compile("\\[200]\\s+(\\d+) responses");

    private HeyRun() {
    }

    /** Whether {@code hey} is on the PATH. */
    public static boolean available() {
        try {
            Process probe = new ProcessBuilder("hey").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            probe.waitFor();
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code hey -n requests -c clients target}; errors are the requests not answered 200. */
    public static LoadRun.Result run(URI target, int clients, int requests) throws IOException, InterruptedException {
        Process hey = new ProcessBuilder(List.of("hey", "-n", Integer.toString(requests), "-c", Integer.toString(clients),
                target.toString())).redirectErrorStream(true).start();
        String report = new String(hey.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (hey.waitFor() != 0) {
            throw new IOException("hey failed: " + report);
        }
        Matcher rps = REQUESTS_PER_SECOND.matcher(report);
        if (!rps.find()) {
            throw new IOException("hey printed no Requests/sec: " + report);
        }
        Matcher ok = STATUS_200.matcher(report);
        long answered = ok.find() ? Long.parseLong(ok.group(1)) : 0;
        double perSecond = Double.parseDouble(rps.group(1));
        long nanos = (long) (requests / perSecond * 1e9);
        return new LoadRun.Result(clients, requests, requests - answered, nanos, null);
    }
}
