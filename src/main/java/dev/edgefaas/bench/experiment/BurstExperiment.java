package dev.edgefaas.bench.experiment;

import dev.edgefaas.http.KeepAliveConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Fig. 4: n concurrent requests each causing a cold start; per-request latency and the batch's total. */
public final class BurstExperiment implements Experiment {
    @Override
    public String name() {
        return "burst";
    }

    @Override
    public String figure() {
        return "Fig. 4";
    }

    static List<Integer> sizes(Settings settings) {
        return Settings.tens(settings.quick() ? 10 : 100);
    }

    @Override
    public int steps(Settings settings) {
        return ColdStartExperiment.LANGUAGES.size() * sizes(settings).size();
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        for (String language : context.languages()) {
            for (int n : sizes(context.settings())) {
                for (StartMode mode : context.startModes()) {
                    burst(context, language, n, mode);
                }
                context.step(language + " n=" + n);
            }
        }
    }

    private static void burst(ExperimentContext context, String language, int n, StartMode mode) throws Exception {
        String function = "burst-" + language + "-" + n + mode.label().replace(' ', '-');
        context.platform().deploySample("hello-" + language, function, mode.manifest(
                "\"single-use\": true, \"concurrency\": 1, \"max-instances\": " + n + ", \"queue-timeout\": \"120s\", \"ready-timeout\": \"120s\""));
        if (mode == StartMode.RESTORE) {
            // The first start saves the snapshot; the burst is of clones.
            context.coldStart(function);
        }
        String parameter = mode.parameter("n=" + n);
        URI gateway = context.platform().gateway(function, "/");
        // Every client connects first and all send together: a client that sent late would
        // otherwise find an earlier instance ready, and single use keeps it from being reused.
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger warm = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            int repetition = i + 1;
            clients.add(Thread.ofPlatform().start(() -> {
                try (KeepAliveConnection connection = new KeepAliveConnection(gateway)) {
                    go.await();
                    long begin = System.nanoTime();
                    String kind = connection.getWithHeader("X-Start");
                    context.emit(language, parameter, repetition, "latency", (System.nanoTime() - begin) / 1e6, "ms");
                    if (!kind.equals("cold")) {
                        warm.incrementAndGet();
                    }
                    return;
                } catch (Exception e) {
                    // Counted below; the batch goes on.
                }
                failures.incrementAndGet();
            }));
        }
        // Every client connected (or about to), and what the platform does after a start done, the burst goes.
        context.awaitQuietHost();
        long start = System.nanoTime();
        go.countDown();
        for (Thread client : clients) {
            client.join();
        }
        context.emit(language, parameter, 0, "total", (System.nanoTime() - start) / 1e6, "ms");
        context.emit(language, parameter, 0, "failures", failures.get(), "count");
        context.emit(language, parameter, 0, "not_cold", warm.get(), "count");
        context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(30));
    }
}
