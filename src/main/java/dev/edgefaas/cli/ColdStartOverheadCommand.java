package dev.edgefaas.cli;

import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.host.network.AddressPool;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.http.KeepAliveConnection;
import dev.edgefaas.sandbox.ReferenceRun;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cold-start-overhead", mixinStandardHelpOptions = true,
        description = {"What the platform adds to a container cold start: hello-go cold through the gateway against",
            "the same root file system started by the runtime CLI alone, interleaved in one run; then a burst of",
            "concurrent cold starts."})
final class ColdStartOverheadCommand implements Callable<Integer> {
    @Option(names = "--sandbox", defaultValue = "runc,runsc", split = ",", description = "OCI runtimes (default: ${DEFAULT-VALUE}).")
    List<String> sandboxes;
    @Option(names = "--reps", defaultValue = "20", description = "Cold starts of each kind (default: ${DEFAULT-VALUE}).")
    int reps;
    @Option(names = "--burst", defaultValue = "20", description = "Concurrent cold starts of the burst (default: ${DEFAULT-VALUE}).")
    int burst;

    @Override
    public Integer call() throws Exception {
        namespaceCost();
        for (String sandbox : sandboxes) {
            Path scratch = Files.createTempDirectory("edgefaas-raw-");
            try (BenchPlatform bench = new BenchPlatform(sandbox, BenchPlatform.benchStateDirectory())) {
                bench.deploySample("hello-go", "cold", "\"single-use\": true, \"concurrency\": 1, \"max-instances\": 1");
                Dispatcher dispatcher = bench.platform().dispatcher();
                ReferenceRun raw = dispatcher.backend(sandbox).orElseThrow()
                        .referenceRun(dispatcher.function("cold").orElseThrow())
                        .orElseThrow(() -> new IllegalArgumentException("--sandbox: " + sandbox
                                + " has no runtime CLI of its own to compare with; use runc, crun or runsc"));
                List<Long> rawNanos = new ArrayList<>();
                List<Long> gatewayNanos = new ArrayList<>();
                URI gateway = bench.gateway("cold", "/");
                for (int rep = -2; rep < reps; rep++) {
                    long rawTime = raw.timeToFirstAnswer("raw-" + (rep + 2), scratch);
                    long gatewayTime = coldRequest(bench, gateway);
                    if (rep >= 0) {
                        rawNanos.add(rawTime);
                        gatewayNanos.add(gatewayTime);
                    }
                    System.err.printf("\r%s: %d/%d", sandbox, rep + 3, reps + 2);
                }
                System.err.println();
                double rawMedian = median(rawNanos) / 1e6;
                double gatewayMedian = median(gatewayNanos) / 1e6;
                System.out.printf("%s: raw %s run to first answer median %.1f ms; cold start through the gateway median %.1f ms;"
                        + " difference %.1f ms (%d reps each, interleaved)%n", sandbox, sandbox, rawMedian, gatewayMedian,
                        gatewayMedian - rawMedian, reps);
                burst(bench, sandbox);
            } finally {
                StateDirectory.deleteTree(scratch);
            }
        }
        return 0;
    }

    /** Taking a namespace from the pool of ready ones against making one on the cold-start path. */
    private void namespaceCost() throws Exception {
        Path stateRoot = Files.createTempDirectory("edgefaas-netns-");
        List<Long> pooled = new ArrayList<>();
        List<Long> onDemand = new ArrayList<>();
        try (StateDirectory state = StateDirectory.open(stateRoot);
             NamespacePool ready = new NamespacePool(new AddressPool("10.215.0.0/16"), state, 2);
             NamespacePool none = new NamespacePool(new AddressPool("10.216.0.0/16"), state, 0)) {
            ready.warmUp();
            for (int i = 0; i < 10; i++) {
                while (ready.spares() < 1) {
                    Thread.sleep(5);
                }
                long start = System.nanoTime();
                var network = ready.take(0);
                pooled.add(System.nanoTime() - start);
                ready.release(network);
                start = System.nanoTime();
                network = none.take(0);
                onDemand.add(System.nanoTime() - start);
                none.release(network);
            }
        } finally {
            StateDirectory.deleteTree(stateRoot);
        }
        System.out.printf("network namespace + veth + /30: from the pool %.2f ms, made on demand with ip %.1f ms (median of 10)%n",
                median(pooled) / 1e6, median(onDemand) / 1e6);
    }

    private long coldRequest(BenchPlatform bench, URI gateway) throws Exception {
        long start = System.nanoTime();
        try (KeepAliveConnection connection = new KeepAliveConnection(gateway)) {
            if (connection.get() != 200) {
                throw new IllegalStateException("cold start failed");
            }
        }
        long nanos = System.nanoTime() - start;
        // Single-use: its instance is stopped in the background; let that finish before the next measurement.
        while (!bench.platform().dispatcher().instances().isEmpty()) {
            Thread.sleep(5);
        }
        return nanos;
    }

    private void burst(BenchPlatform bench, String sandbox) throws Exception {
        bench.deploySample("hello-go", "burst", "\"concurrency\": 1, \"max-instances\": " + burst);
        URI gateway = bench.gateway("burst", "/");
        List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < burst; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                long begin = System.nanoTime();
                try (KeepAliveConnection connection = new KeepAliveConnection(gateway)) {
                    if (connection.get() == 200) {
                        nanos.add(System.nanoTime() - begin);
                    } else {
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        long total = System.nanoTime() - start;
        System.out.printf("%s: burst of %d concurrent cold starts: %d answered, %d failed; median %.1f ms, max %.1f ms,"
                + " all done in %.1f ms%n", sandbox, burst, nanos.size(), failures.get(), median(nanos) / 1e6,
                nanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6, total / 1e6);
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

}
