package dev.edgefaas.bench;

import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.platform.Platform;
import dev.edgefaas.platform.PlatformConfig;
import dev.edgefaas.platform.SampleFunctions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A platform of its own for one benchmark: ephemeral ports, a temporary state directory. */
public final class BenchPlatform implements AutoCloseable {
    private final Path stateDirectory;
    private final Platform platform;

    public BenchPlatform(String sandbox) {
        try {
            stateDirectory = Files.createTempDirectory("edgefaas-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        platform = Platform.start(PlatformConfig.ephemeral(stateDirectory, sandbox));
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
        try {
            platform.close();
        } finally {
            StateDirectory.deleteTree(stateDirectory);
        }
    }
}
