package dev.edgefaas.bench;

import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.function.Durations;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * A soak: steady load through the gateway's real port while instances are killed at random,
 * for a long time. The platform must lose no request a client could not retry, and hold no
 * more heap or descriptors at the end than once it was warm.
 *
 * <p>Both footprints are taken in the same state, at rest: kills paused, the load kept on until
 * the function is back to the same number of ready instances, then every client held between
 * requests with its connection open, and the descriptor count left to stop moving (instances
 * killed just before are still being cleaned up).
 */
public final class Soak {
    public static final String EXPERIMENT = "soak";
    static final String FUNCTION = "hello-soak";
    /** How long the load may take to bring the function back to its number of instances. */
    private static final Duration INSTANCES_PATIENCE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Descriptors count as settled once this many readings in a row, a poll apart, agree. */
    private static final int STABLE_READINGS = 10;
    private static final Duration FDS_PATIENCE = Duration.ofSeconds(15);

    /**
     * @param warmup       load before the warm footprint: the JIT has compiled, pools and caches are full
     * @param maxInstances the function's max-instances; its concurrency is set so the clients fill them all
     */
    public record Settings(String sandbox, Duration duration, Duration warmup, int clients, Duration killEvery,
                           Duration reportEvery, int maxInstances) {
        public Settings {
            if (clients < 1 || maxInstances < 1) {
                throw new IllegalArgumentException("clients and max-instances must be at least 1");
            }
            if (!warmup.isPositive() || warmup.compareTo(duration) >= 0) {
                throw new IllegalArgumentException("the warm-up (" + Durations.format(warmup)
                        + ") must be shorter than the duration (" + Durations.format(duration) + ")");
            }
            if (!killEvery.isPositive() || !reportEvery.isPositive()) {
                throw new IllegalArgumentException("kill and report intervals must be positive");
            }
        }

        /** Warm-up of a tenth of the duration, at most 20 s. */
        public static Duration warmupFor(Duration duration) {
            Duration tenth = duration.dividedBy(10);
            return tenth.compareTo(Duration.ofSeconds(20)) < 0 ? tenth : Duration.ofSeconds(20);
        }

        int concurrency() {
            return Math.ceilDiv(clients, maxInstances);
        }
    }

    private final BenchPlatform bench;
    private final Settings settings;
    private final PrintStream progress;
    private final Dispatcher dispatcher;
    private final SoakTally tally = new SoakTally();
    private final LoadGate gate;
    private final InstanceKiller killer;
    private final long startNanos = System.nanoTime();
    private long heldNanos;
    private GatewayFootprint maxFootprint = new GatewayFootprint(0, 0, 0, 0);
    private long lastReportRequests;
    private long lastReportNanos = startNanos;

    private Soak(BenchPlatform bench, Settings settings, PrintStream progress) {
        this.bench = bench;
        this.settings = settings;
        this.progress = progress;
        this.dispatcher = bench.platform().dispatcher();
        this.gate = new LoadGate(settings.clients());
        this.killer = new InstanceKiller(dispatcher, FUNCTION, settings.killEvery());
    }

    /**
     * Deploys hello-go on {@code bench}, soaks it as {@code settings} say and returns what it saw,
     * progress lines printed to {@code progress}. Clients and killer have stopped when it returns;
     * the platform is the caller's to close.
     */
    public static SoakResult run(BenchPlatform bench, Settings settings, PrintStream progress) throws InterruptedException {
        bench.deploySample("hello-go", FUNCTION, "\"max-instances\": " + settings.maxInstances()
                + ", \"concurrency\": " + settings.concurrency());
        return new Soak(bench, settings, progress).run();
    }

    private SoakResult run() throws InterruptedException {
        URI target = bench.gateway(FUNCTION, "/");
        List<SoakClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Thread killing = null;
        GatewayFootprint warm;
        GatewayFootprint end;
        try {
            for (int c = 0; c < settings.clients(); c++) {
                SoakClient client = new SoakClient(target, gate, tally);
                clients.add(client);
                // Platform threads: the load must not compete with the gateway for its virtual-thread carriers.
                threads.add(Thread.ofPlatform().name("soak-client-" + c).start(client));
            }
            killing = Thread.ofPlatform().name("soak-killer").daemon(true).start(killer);
            loadUntil(settings.warmup());
            warm = atRest(settings.maxInstances(), "warm start");
            killer.resume();
            loadUntil(settings.duration());
            end = atRest(warm.instances(), "end");
        } finally {
            if (killing != null) {
                killing.interrupt();
                killing.join();
            }
            gate.stop();
            for (Thread thread : threads) {
                thread.join();
            }
        }
        Histogram latency = new Histogram(3);
        clients.forEach(client -> latency.add(client.latencyNanos()));
        return new SoakResult(settings, loadedNanos(), tally.requests(), tally.attemptsByOutcome(), tally.retried(),
                tally.lost(), latency, killer.kills(), killer.instancesStarted(), warm, end, maxFootprint,
                tally.firstMessages(), SoakVerdict.of(tally.lost(), warm, end));
    }

    /** Load time so far: wall time minus the time the clients were held for a measurement. */
    private long loadedNanos() {
        return System.nanoTime() - startNanos - heldNanos;
    }

    /** Lets the load run until {@code loaded} of load time has passed, with a progress line every report interval. */
    private void loadUntil(Duration loaded) throws InterruptedException {
        while (loadedNanos() < loaded.toNanos()) {
            long untilReport = settings.reportEvery().toNanos() - (System.nanoTime() - lastReportNanos);
            long untilEnd = loaded.toNanos() - loadedNanos();
            Thread.sleep(Duration.ofNanos(Math.max(0, Math.min(untilReport, untilEnd))));
            if (System.nanoTime() - lastReportNanos >= settings.reportEvery().toNanos()) {
                report();
            }
        }
    }

    private void report() {
        long now = System.nanoTime();
        long requests = tally.requests();
        double perSecond = (requests - lastReportRequests) / ((now - lastReportNanos) / 1e9);
        lastReportRequests = requests;
        lastReportNanos = now;
        GatewayFootprint sample = GatewayFootprint.sample(readyInstances());
        maxFootprint = maxFootprint.max(sample);
        progress.printf(Locale.ROOT, "soak: %s  %d requests, %d failed attempts, %d lost, %.0f req/s now;"
                        + " %d kills, %d instances; heap %.1f MiB, %d fds, %d threads%n",
                Durations.format(Duration.ofSeconds(loadedNanos() / 1_000_000_000L)), requests, tally.failedAttempts(),
                tally.lost(), perSecond, killer.kills(), sample.instances(), sample.heapMib(), sample.openFds(),
                sample.threads());
    }

    /**
     * The footprint at rest: kills paused, the load kept on until {@code instances} are ready (or
     * the patience ran out), then the clients held while descriptors settle and the heap is
     * measured. The clients are let go again; the killer stays paused.
     */
    private GatewayFootprint atRest(int instances, String when) throws InterruptedException {
        killer.pause();
        long deadline = System.nanoTime() + INSTANCES_PATIENCE.toNanos();
        while (true) {
            boolean inTime = awaitInstancesUnderLoad(instances, deadline);
            long holdStart = System.nanoTime();
            gate.hold();
            try {
                awaitStableFds();
                // An instance killed just before the pause still counted as ready until its exit was
                // noticed; without load nothing replaces it, so count again and go back to the load if short.
                if (inTime && !settled(instances)) {
                    continue;
                }
                if (!inTime) {
                    progress.printf("soak: at %s: wanted %d ready instances and none booting within %s; found %s%n",
                            when, instances, Durations.format(INSTANCES_PATIENCE), instances().stream()
                                    .map(i -> i.id() + " " + i.state() + " (" + i.inFlight() + " in flight)").toList());
                }
                GatewayFootprint footprint = GatewayFootprint.settled(readyInstances());
                maxFootprint = maxFootprint.max(footprint);
                progress.printf(Locale.ROOT, "soak: at %s: heap %.1f MiB, %d fds, %d threads, %d instances%n", when,
                        footprint.heapMib(), footprint.openFds(), footprint.threads(), footprint.instances());
                return footprint;
            } finally {
                gate.release();
                heldNanos += System.nanoTime() - holdStart;
                lastReportNanos = System.nanoTime();
                lastReportRequests = tally.requests();
            }
        }
    }

    /** Waits, the load on, until {@code instances} are ready and none boots; false if the deadline came first. */
    private boolean awaitInstancesUnderLoad(int instances, long deadline) throws InterruptedException {
        while (!settled(instances)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(POLL);
        }
        return true;
    }

    private boolean settled(int instances) {
        return readyInstances() == instances && noneBooting();
    }

    private void awaitStableFds() throws InterruptedException {
        long deadline = System.nanoTime() + FDS_PATIENCE.toNanos();
        int last = GatewayFootprint.countOpenFds();
        int agreeing = 1;
        while (agreeing < STABLE_READINGS && System.nanoTime() < deadline) {
            Thread.sleep(POLL);
            int now = GatewayFootprint.countOpenFds();
            agreeing = now == last ? agreeing + 1 : 1;
            last = now;
        }
    }

    private List<InstanceView> instances() {
        return dispatcher.instances().stream().filter(i -> i.function().equals(FUNCTION)).toList();
    }

    private int readyInstances() {
        return (int) instances().stream().filter(i -> i.state().equals("ready")).count();
    }

    private boolean noneBooting() {
        return instances().stream().noneMatch(i -> i.state().equals("booting"));
    }
}
