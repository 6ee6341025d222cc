package dev.edgefaas.platform;

import dev.edgefaas.gateway.GatewayServer;
import dev.edgefaas.gateway.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * How a platform is started.
 *
 * @param listeners      where the invocation, admin and callback listeners bind
 * @param stateDirectory where instance records live (one running platform per directory)
 * @param defaultSandbox the sandbox of manifests that name none
 * @param shutdownGrace  how long requests in flight may take to finish on shutdown
 * @param networkPool    the IPv4 range the /30 links of instances in network namespaces come from
 * @param spareNamespaces how many network namespaces to keep ready ahead of cold starts
 * @param trustedProxies front proxies whose forwarding headers the gateway keeps
 * @param dataDirectory  where deployed functions and the management token are kept across restarts; empty: they
 *                       are not, and the management API asks no token (tests, benchmarks on loopback)
 * @param adminAccess    TLS and the upload limit of the management API
 * @param limits         the node's bounds on waiting requests and queued asynchronous invocations, and where
 *                       callbacks may go
 * @param busyPoll       how long the gateway's event loops poll for more work before they sleep, while traffic is
 *                       dense; zero: they sleep at once
 */
public record PlatformConfig(GatewayServer.Listeners listeners, Path stateDirectory, String defaultSandbox,
                             Duration shutdownGrace, String networkPool, int spareNamespaces,
                             TrustedProxies trustedProxies, Optional<Path> dataDirectory, AdminAccess adminAccess,
                             NodeLimits limits, Duration busyPoll) {
    public static final String DEFAULT_NETWORK_POOL = "10.213.0.0/16";
    public static final int DEFAULT_SPARE_NAMESPACES = 4;
    /** About what a small function takes to answer here, so a warm request's answer is polled for, not slept for. */
    public static final int DEFAULT_BUSY_POLL_MICROS = 200;
    public static final Duration DEFAULT_BUSY_POLL = Duration.of(DEFAULT_BUSY_POLL_MICROS, ChronoUnit.MICROS);
    /** Instances in network namespaces call back through their link's host address, so the callback listener binds all. */
    public static final String CALLBACK_HOST = "0.0.0.0";

    /** Ephemeral ports on loopback (callbacks on every address, for namespaced instances): for tests and benchmarks. */
    public static PlatformConfig ephemeral(Path stateDirectory, String defaultSandbox) {
        return new PlatformConfig(new GatewayServer.Listeners("127.0.0.1", 0, "127.0.0.1", 0, CALLBACK_HOST, 0),
                stateDirectory, defaultSandbox, Duration.ofSeconds(10), DEFAULT_NETWORK_POOL, DEFAULT_SPARE_NAMESPACES,
                TrustedProxies.NONE, Optional.empty(), AdminAccess.PLAIN, NodeLimits.LOOPBACK_CALLBACKS,
                DEFAULT_BUSY_POLL);
    }

    public PlatformConfig withTrustedProxies(TrustedProxies proxies) {
        return new PlatformConfig(listeners, stateDirectory, defaultSandbox, shutdownGrace, networkPool, spareNamespaces, proxies,
                dataDirectory, adminAccess, limits, busyPoll);
    }

    /** This configuration keeping deployed functions in {@code directory}. */
    public PlatformConfig withDataDirectory(Path directory) {
        return new PlatformConfig(listeners, stateDirectory, defaultSandbox, shutdownGrace, networkPool, spareNamespaces,
                trustedProxies, Optional.of(directory), adminAccess, limits, busyPoll);
    }

    /** This configuration with the gateway's event loops polling for {@code duration} before they sleep. */
    public PlatformConfig withBusyPoll(Duration duration) {
        return new PlatformConfig(listeners, stateDirectory, defaultSandbox, shutdownGrace, networkPool, spareNamespaces,
                trustedProxies, dataDirectory, adminAccess, limits, duration);
    }

    /** This configuration with other bounds on the node's queues. */
    public PlatformConfig withLimits(NodeLimits other) {
        return new PlatformConfig(listeners, stateDirectory, defaultSandbox, shutdownGrace, networkPool, spareNamespaces,
                trustedProxies, dataDirectory, adminAccess, other, busyPoll);
    }
}
