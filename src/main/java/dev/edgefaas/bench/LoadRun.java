package dev.edgefaas.bench;

import dev.edgefaas.http.KeepAliveConnection;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code clients} threads, each on its own keep-alive connection, send GETs
 * until {@code requests} have been sent in all. Latency is recorded in nanoseconds.
 */
public final class LoadRun {

    /** What one run saw. */
    public record Result(int clients, int requests, long errors, long nanos, Histogram latencyNanos) {
        public double requestsPerSecond() {
            return (requests - errors) / (nanos / 1e9);
        }
    }

    private LoadRun() {
    }

    public static Result run(URI target, int clients, int requests) throws InterruptedException {
        AtomicInteger remaining = new AtomicInteger(requests);
        AtomicLong errors = new AtomicLong();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Histogram histogram = new Histogram(3_600_000_000_000L, 3);
            histograms.add(histogram);
            // Platform threads: the load generator must not compete with the gateway for its virtual-thread carriers.
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> loop(target, remaining, errors, histogram)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long nanos = System.nanoTime() - start;
        Histogram all = new Histogram(3_600_000_000_000L, 3);
        histograms.forEach(all::add);
        return new Result(clients, requests, errors.get(), nanos, all);
    }

    private static void loop(URI target, AtomicInteger remaining, AtomicLong errors, Histogram histogram) {
        KeepAliveConnection connection = null;
        try {
            while (remaining.getAndDecrement() > 0) {
                long begin = System.nanoTime();
                try {
                    if (connection == null) {
                        connection = new KeepAliveConnection(target);
                    }
                    if (connection.get() != 200) {
                        errors.incrementAndGet();
                    }
                    histogram.recordValue(System.nanoTime() - begin);
                } catch (IOException e) {
                    errors.incrementAndGet();
                    closeQuietly(connection);
                    connection = null;
                }
            }
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(KeepAliveConnection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                // Closing a broken measurement connection; nothing to learn from it.
            }
        }
    }
}
