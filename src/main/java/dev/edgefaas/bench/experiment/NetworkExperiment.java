package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.LoadRun;
import dev.edgefaas.http.KeepAliveConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fig. 11: requests per second to {@code hello} at 1, 2, 4, ... clients, directly to the instance
 * and through the gateway, a series stopping at its first errors; Fig. 12: throughput of the
 * 50 MiB {@code static} file to 4 concurrent clients.
 */
public final class NetworkExperiment implements Experiment {
    private static final int STATIC_CLIENTS = 4;

    @Override
    public String name() {
        return "network";
    }

    @Override
    public String figure() {
        return "Fig. 11, 12";
    }

    static List<Integer> clients(Settings settings) {
        List<Integer> clients = new ArrayList<>();
        for (int c = 1; c <= (settings.quick() ? 64 : 4096); c *= settings.quick() ? 8 : 2) {
            clients.add(c);
        }
        return clients;
    }

    @Override
    public int steps(Settings settings) {
        return 2 * clients(settings).size() + 1;
    }

    @Override
    public void run(ExperimentContext context) throws Exception {
        int requests = context.settings().quick() ? 4_096 : 32_768;
        context.platform().deploySample("hello-go", "net-hello", "\"max-instances\": 1, \"concurrency\": 100000");
        URI gateway = context.platform().gateway("net-hello", "/");
        try (KeepAliveConnection first = new KeepAliveConnection(gateway)) {
            first.get();
        }
        URI direct = URI.create(context.platform().instanceEndpoint("net-hello") + "/");
        for (String path : List.of("direct", "gateway")) {
            URI target = path.equals("direct") ? direct : gateway;
            boolean failed = false;
            for (int clients : clients(context.settings())) {
                if (!failed) {
                    LoadRun.Result result = LoadRun.run(target, clients, Math.max(requests, clients));
                    String parameter = "path=" + path + ";clients=" + clients;
                    context.emit("go", parameter, 1, "throughput", result.requestsPerSecond(), "req/s");
                    context.emit("go", parameter, 1, "errors", result.errors(), "count");
                    context.emit("go", parameter, 1, "latency_p50", result.latencyNanos().getValueAtPercentile(50) / 1e3, "us");
                    failed = result.errors() > 0;
                }
                context.step(path + " " + clients + " clients" + (failed ? " (series stopped at errors)" : ""));
            }
        }
        staticFile(context);
    }

    private void staticFile(ExperimentContext context) throws Exception {
        context.platform().deploySample("static-go", "net-static", "\"max-instances\": 1, \"concurrency\": 64");
        URI uri = context.platform().gateway("net-static", "/");
        int downloadsPerClient = context.settings().quick() ? 2 : 50;
        AtomicLong bytes = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < STATIC_CLIENTS; c++) {
            clients.add(Thread.ofPlatform().start(() -> {
                try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    for (int i = 0; i < downloadsPerClient; i++) {
                        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        try (InputStream body = response.body()) {
                            bytes.addAndGet(body.transferTo(OutputStream.nullOutputStream()));
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        context.emit("go", "static;clients=" + STATIC_CLIENTS, 1, "throughput", bytes.get() / 1048576.0 / seconds, "MiB/s");
        context.step("static file to " + STATIC_CLIENTS + " clients");
    }
}
