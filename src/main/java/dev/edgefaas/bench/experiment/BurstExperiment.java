package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.KeepAliveConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        return Settings.tens(settings.quick() ? 20 : 100);
    }

    @Override
    public int steps(Settings settings) {
        return ColdStartExperiment.LANGUAGES.size() * sizes(settings).size();
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        for (String language : ColdStartExperiment.LANGUAGES) {
            for (int n : sizes(context.settings())) {
                String function = "burst-" + language + "-" + n;
                context.platform().deploySample("hello-" + language, function,
                        "\"concurrency\": 1, \"max-instances\": " + n + ", \"queue-timeout\": \"120s\", \"ready-timeout\": \"120s\"");
                URI gateway = context.platform().gateway(function, "/");
                List<Thread> clients = new ArrayList<>();
                AtomicInteger failures = new AtomicInteger();
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    int repetition = i + 1;
                    clients.add(Thread.ofPlatform().start(() -> {
                        long begin = System.nanoTime();
                        try (KeepAliveConnection connection = new KeepAliveConnection(gateway)) {
                            if (connection.get() == 200) {
                                context.emit(language, "n=" + n, repetition, "latency", (System.nanoTime() - begin) / 1e6, "ms");
                                return;
                            }
                        } catch (Exception e) {
                            // Counted below; the batch goes on.
                        }
                        failures.incrementAndGet();
                    }));
                }
                for (Thread client : clients) {
                    client.join();
                }
                context.emit(language, "n=" + n, 0, "total", (System.nanoTime() - start) / 1e6, "ms");
                context.emit(language, "n=" + n, 0, "failures", failures.get(), "count");
                context.platform().platform().dispatcher().remove(function, Duration.ofSeconds(30));
                context.step(language + " n=" + n);
            }
        }
    }
}
