package dev.edgefaas.platform;

import dev.edgefaas.gateway.GatewayServer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a platform is started.
 *
 * @param listeners      where the invocation, admin and callback listeners bind
 * @param stateDirectory where instance records live (one running platform per directory)
 * @param defaultSandbox the sandbox of manifests that name none
 * @param shutdownGrace  how long requests in flight may take to finish on shutdown
 */
public record PlatformConfig(GatewayServer.Listeners listeners, Path stateDirectory, String defaultSandbox,
                             Duration shutdownGrace) {

    /** Ephemeral ports on loopback: for tests and benchmarks. */
    public static PlatformConfig ephemeral(Path stateDirectory, String defaultSandbox) {
        return new PlatformConfig(new GatewayServer.Listeners("127.0.0.1", 0, "127.0.0.1", 0, "127.0.0.1", 0),
                stateDirectory, defaultSandbox, Duration.ofSeconds(10));
    }
}
