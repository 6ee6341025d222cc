package dev.edgefaas.testing;

import dev.edgefaas.admin.AdminToken;
import dev.edgefaas.bench.BenchPlatform;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.gateway.TrustedProxies;
import dev.edgefaas.platform.NodeLimits;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.SampleFunctions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A real platform on ephemeral loopback ports with its own state directory, and a real HTTP
 * client to talk to it. Close it in {@code @AfterEach}.
 */
public final class TestPlatform implements AutoCloseable {
    private static final String DATA_DIRECTORY = "data";
    private final BenchPlatform scratch;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    public TestPlatform() {
        this("process");
    }

    public TestPlatform(String sandbox) {
        scratch = new BenchPlatform(sandbox);
    }

    /** A process-sandbox platform whose gateway trusts the forwarding headers of {@code proxies}. */
    public static TestPlatform trusting(String... proxies) {
        return new TestPlatform(new BenchPlatform("process",
                config -> config.withTrustedProxies(TrustedProxies.parse(List.of(proxies)))));
    }

    /** A process-sandbox platform with other bounds on the node's queues. */
    public static TestPlatform limited(NodeLimits limits) {
        return new TestPlatform(new BenchPlatform("process", config -> config.withLimits(limits)));
    }

    /**
     * A process-sandbox platform that keeps deployed functions and uploads in a data directory
     * inside its state directory, as a node does; its management API then asks for {@link #adminToken()}.
     */
    public static TestPlatform keepingFunctions() {
        return new TestPlatform(new BenchPlatform("process",
                config -> config.withDataDirectory(config.stateDirectory().resolve(DATA_DIRECTORY))));
    }

    private TestPlatform(BenchPlatform scratch) {
        this.scratch = scratch;
    }

    public Platform platform() {
        return scratch.platform();
    }

    public Path stateDirectory() {
        return scratch.stateDirectory();
    }

    /** Deploys a sample with extra manifest members, e.g. {@code "\"keepalive\": \"500ms\""}, overriding its own. */
    public void deploySample(String sample, String name, String overrides) {
        scratch.deploySample(sample, name, overrides);
    }

    /** Deploys a manifest given in full; relative artifacts resolve against the built functions. */
    public void deploy(String name, String json) {
        platform().deploy(name, json, SampleFunctions.functionsDirectory());
    }

    /** The token the management API of a {@link #keepingFunctions()} platform asks for. */
    public String adminToken() {
        Path file = stateDirectory().resolve(DATA_DIRECTORY).resolve(AdminToken.FILE_NAME);
        return AdminToken.read(file).orElseThrow(() -> new IllegalStateException(file + " holds no token: is this a"
                + " keepingFunctions() platform?"));
    }

    public URI gateway(String pathBelowRoot) {
        return URI.create("http://127.0.0.1:" + platform().port() + pathBelowRoot);
    }

    public URI admin(String path) {
        return URI.create("http://127.0.0.1:" + platform().adminPort() + path);
    }

    public HttpResponse<String> get(String pathBelowRoot) {
        return send(HttpRequest.newBuilder(gateway(pathBelowRoot)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    /** A GET sent without waiting for its answer. */
    public CompletableFuture<HttpResponse<String>> sendAsync(String pathBelowRoot) {
        return http.sendAsync(HttpRequest.newBuilder(gateway(pathBelowRoot)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the first sample in {@code /metrics} whose line starts with {@code prefix}, or "" if none. */
    public String metric(String prefix) {
        return send(HttpRequest.newBuilder(admin("/metrics")).build()).body().lines()
                .filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).orElse("");
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<InstanceView> instances(String function) {
        return platform().dispatcher().instances().stream().filter(i -> i.function().equals(function)).toList();
    }

    @Override
    public void close() {
        scratch.close();
    }
}
