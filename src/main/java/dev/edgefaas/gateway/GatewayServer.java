package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.ReadinessCallbacks;
import dev.edgefaas.metrics.PlatformMetrics;
import dev.edgefaas.host.ThreadFactories;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpService;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The platform's HTTP server with three listeners, so each can be exposed on its own:
 * invocations ({@code /function/...}) for clients, the management API for operators (loopback
 * by default), and readiness callbacks for instances, which reach nothing else.
 */
public final class GatewayServer implements AutoCloseable {
    public static final String ADMIN = "admin";
    public static final String CALLBACK = "callback";
    /** A generous bound on one exchange with an instance, against hung instances; not a function timeout. */
    private static final Duration INSTANCE_EXCHANGE_TIMEOUT = Duration.ofMinutes(10);

    /** Instances may close idle connections themselves (Node.js after 65 s); close ours first. */
    private static final Duration MAX_IDLE_CONNECTION = Duration.ofSeconds(30);
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(5);

    private final WebServer server;
    private final Forwarder forwarder;
    private final ScheduledExecutorService housekeeping;

    private GatewayServer(WebServer server, Forwarder forwarder, ScheduledExecutorService housekeeping) {
        this.server = server;
        this.forwarder = forwarder;
        this.housekeeping = housekeeping;
    }

    /** Where each listener binds; port 0 picks a free one. */
    public record Listeners(String host, int port, String adminHost, int adminPort, String callbackHost, int callbackPort) {
    }

    /** Starts the listeners; returns once they accept connections. */
    public static GatewayServer start(Listeners listeners, Dispatcher dispatcher, ReadinessCallbacks callbacks,
                                      HttpService adminApi, PlatformMetrics metrics) {
        Forwarder forwarder = new Forwarder(INSTANCE_EXCHANGE_TIMEOUT);
        dispatcher.onInstanceStopped(forwarder::instanceStopped);
        InvocationHandler invocations = new InvocationHandler(dispatcher, forwarder, metrics);
        WebServer server = WebServer.builder()
                .host(listeners.host())
                .port(listeners.port())
                .backlog(4096)
                .routing(routing -> routing.any("/function/*", invocations).any("/function", invocations))
                .putSocket(ADMIN, socket -> socket.host(listeners.adminHost()).port(listeners.adminPort())
                        .routing(routing -> routing.register(adminApi)))
                .putSocket(CALLBACK, socket -> socket.host(listeners.callbackHost()).port(listeners.callbackPort())
                        .routing(routing -> routing.register(new CallbackHandler(callbacks))))
                .shutdownHook(false)
                .build()
                .start();
        ScheduledExecutorService housekeeping = ThreadFactories.housekeeping("edgefaas-idle-connections");
        housekeeping.scheduleWithFixedDelay(() -> forwarder.sweepConnections(MAX_IDLE_CONNECTION),
                SWEEP_PERIOD.toSeconds(), SWEEP_PERIOD.toSeconds(), TimeUnit.SECONDS);
        return new GatewayServer(server, forwarder, housekeeping);
    }

    public int port() {
        return server.port();
    }

    public int adminPort() {
        return server.port(ADMIN);
    }

    public int callbackPort() {
        return server.port(CALLBACK);
    }

    @Override
    public void close() {
        server.stop();
        housekeeping.shutdownNow();
        forwarder.close();
    }
}
