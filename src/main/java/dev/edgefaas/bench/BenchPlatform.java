package dev.edgefaas.bench;

import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.host.Shutdown;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.platform.SampleFunctions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.List;

/** A platform of its own for one benchmark: ephemeral ports, a temporary state directory. */
public final class BenchPlatform implements AutoCloseable {
    private final Path stateDirectory;
    private final boolean temporary;
    private final Platform platform;

    /** A platform with a temporary state directory of its own: for tests, which may run side by side. */
    public BenchPlatform(String sandbox) {
        this(sandbox, UnaryOperator.identity());
    }

    /** The same, with the configuration changed by {@code configure}, e.g. trusted proxies. */
    public BenchPlatform(String sandbox, UnaryOperator<PlatformConfig> configure) {
        this(sandbox, temporaryDirectory(), true, configure);
    }

    /**
     * A platform on {@code stateDirectory}, kept between runs: starting it reaps what an
     * interrupted or crashed earlier benchmark left.
     */
    public BenchPlatform(String sandbox, Path stateDirectory) {
        this(sandbox, stateDirectory, UnaryOperator.identity());
    }

    /** The same, with the configuration changed by {@code configure}. */
    public BenchPlatform(String sandbox, Path stateDirectory, UnaryOperator<PlatformConfig> configure) {
        this(sandbox, stateDirectory, false, configure);
    }

    private BenchPlatform(String sandbox, Path stateDirectory, boolean temporary, UnaryOperator<PlatformConfig> configure) {
        this.stateDirectory = stateDirectory;
        this.temporary = temporary;
        this.platform = Platform.start(configure.apply(PlatformConfig.ephemeral(stateDirectory, sandbox)));
    }

    /** Where benchmarks keep their state: beside the platform's own. */
    public static Path benchStateDirectory() {
        Path root = StateDirectory.defaultRoot();
        return root.resolveSibling(root.getFileName() + "-bench");
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("edgefaas-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Platform platform() {
        return platform;
    }

    public Path stateDirectory() {
        return stateDirectory;
    }

    /**
     * Deploys sample {@code sample} as {@code name}, with {@code overrides} (JSON members, e.g.
     * {@code "\"max-instances\": 1"}) replacing the sample's own settings.
     */
    public void deploySample(String sample, String name, String overrides) {
        String json = SampleFunctions.manifest(sample).trim();
        if (!overrides.isBlank()) {
            json = json.substring(0, json.lastIndexOf('}')) + ", " + overrides + "}";
        }
        // Later keys win in Jackson's tree, so overrides replace the sample's values.
        platform.deploy(name, json, SampleFunctions.functionsDirectory());
    }

    /** The gateway URL of {@code function} with {@code pathAndQuery} below it. */
    public URI gateway(String function, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + platform.port() + "/function/" + function + pathAndQuery);
    }

    /** The endpoint of the one ready instance of {@code function}. */
    public URI instanceEndpoint(String function) {
        List<InstanceView> ready = platform.dispatcher().instances().stream()
                .filter(i -> i.function().equals(function) && i.endpoint() != null).toList();
        if (ready.isEmpty()) {
            throw new IllegalStateException("no ready instance of " + function);
        }
        return URI.create(ready.getFirst().endpoint());
    }

    @Override
    public void close() {
        Shutdown.all(platform::close, () -> {
            if (temporary) {
                StateDirectory.deleteTree(stateDirectory);
            }
        });
    }
}
