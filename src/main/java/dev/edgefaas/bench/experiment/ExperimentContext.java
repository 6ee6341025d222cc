package dev.edgefaas.bench.experiment;

import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.bench.ResultRow;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.host.BackgroundWork;
import dev.edgefaas.host.HostCpu;
import dev.edgefaas.http.KeepAliveConnection;
import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.sandbox.SandboxBackend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** What an experiment runs with: one sandbox's platform, the settings, where rows and progress go. */
public final class ExperimentContext {
    private final Experiment experiment;
    private final String sandbox;
    private final Experiment.Settings settings;
    private final BenchPlatform platform;
    private final ResultSink sink;
    private final Progress progress;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ExperimentContext(Experiment experiment, String sandbox, Experiment.Settings settings, BenchPlatform platform,
                      ResultSink sink, Progress progress) {
        this.experiment = experiment;
        this.sandbox = sandbox;
        this.settings = settings;
        this.platform = platform;
        this.sink = sink;
        this.progress = progress;
    }

    public String sandbox() {
        return sandbox;
    }

    /** The paper's languages this sandbox runs (OSv runs no Node.js): the others are left out, not failed. */
    public List<String> languages() {
        SandboxBackend backend = SandboxCatalog.probeOnly().get(sandbox);
        return ColdStartExperiment.LANGUAGES.stream()
                .filter(language -> backend == null || backend.runs(Runtime.fromKey(language))).toList();
    }

    /** Booted and restored where the sandbox restores snapshots, in that order; else the one way. */
    List<StartMode> startModes() {
        SandboxBackend backend = SandboxCatalog.probeOnly().get(sandbox);
        return backend != null && backend.restoresSnapshots() ? List.of(StartMode.BOOT, StartMode.RESTORE)
                : List.of(StartMode.ONLY);
    }

    /** One cold start as the client saw it: connect, request and answer; and the platform's {@code Server-Timing}. */
    record ColdStart(double millis, String serverTiming) {
    }

    /**
     * One cold start of the single-use function {@code function}, begun on a quiet host; returns
     * once its instance is gone, which the time measured does not include.
     */
    ColdStart coldStart(String function) throws Exception {
        awaitQuietHost();
        long start = System.nanoTime();
        String timing;
        try (KeepAliveConnection connection = new KeepAliveConnection(platform.gateway(function, "/"))) {
            timing = connection.getWithHeader("Server-Timing");
        }
        double millis = (System.nanoTime() - start) / 1e6;
        awaitNoInstances(function);
        return new ColdStart(millis, timing);
    }

    /**
     * Waits until the node has settled: what the platform does ahead of need after a start is
     * done ({@link BackgroundWork}, at most 15 s), and then the host is quiet ({@link HostCpu},
     * at most 5 s). Each measured start then finds what a node that had a moment to itself has
     * ready: its spare namespaces and its VMMs waiting for a state.
     */
    void awaitQuietHost() throws InterruptedException {
        BackgroundWork.awaitNone(Duration.ofSeconds(15));
        HostCpu.awaitQuiet(HostCpu.QUIET_FOR_MEASURING, Duration.ofSeconds(5));
    }

    public Experiment.Settings settings() {
        return settings;
    }

    public BenchPlatform platform() {
        return platform;
    }

    public void emit(String language, String parameter, int repetition, String metric, double value, String unit) {
        sink.emit(new ResultRow(experiment.name(), sandbox, language, parameter, repetition, metric, value, unit));
    }

    public void step(String what) {
        progress.step(experiment.name() + " " + sandbox + ": " + what);
    }

    /** A GET on a fresh connection; returns nanoseconds to the whole answer, failing on a non-200. */
    public long timedGet(URI uri) throws IOException {
        long start = System.nanoTime();
        try (KeepAliveConnection connection = new KeepAliveConnection(uri)) {
            int status = connection.get();
            if (status != 200) {
                throw new IOException("GET " + uri + " answered " + status);
            }
        }
        return System.nanoTime() - start;
    }

    /** A GET whose body is returned, e.g. a function's own timing. */
    public HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    public List<InstanceView> instances(String function) {
        return platform.platform().dispatcher().instances().stream().filter(i -> i.function().equals(function)).toList();
    }

    /** Waits until {@code function} has no instance: a single-use instance stops in the background. */
    public void awaitNoInstances(String function) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!instances(function).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
