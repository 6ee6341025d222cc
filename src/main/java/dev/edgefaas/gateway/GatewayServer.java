package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.ReadinessCallbacks;
import dev.edgefaas.metrics.PlatformMetrics;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpService;
import java.time.Duration;

/**
 * The platform's HTTP server with three listeners, so each can be exposed on its own:
 * invocations ({@code /function/...}) for clients, the management API for operators (loopback
 * by default), and readiness callbacks for instances, which reach nothing else.
 */
public final class GatewayServer implements AutoCloseable {
    public static final String ADMIN = "admin";
    public static final String CALLBACK = "callback";
    /** A generous bound on an instance's silence mid-response; it is not a function timeout. */
    private static final Duration INSTANCE_READ_TIMEOUT = Duration.ofMinutes(10);

    private final WebServer server;
    private final Http1Client gatewayToInstance;

    private GatewayServer(WebServer server, Http1Client gatewayToInstance) {
        this.server = server;
        this.gatewayToInstance = gatewayToInstance;
    }

    /** Where each listener binds; port 0 picks a free one. */
    public record Listeners(String host, int port, String adminHost, int adminPort, String callbackHost, int callbackPort) {
    }

    /** Starts the listeners; returns once they accept connections. */
    public static GatewayServer start(Listeners listeners, Dispatcher dispatcher, ReadinessCallbacks callbacks,
                                      HttpService adminApi, PlatformMetrics metrics) {
        Http1Client client = Http1Client.builder()
                .shareConnectionCache(false)
                .connectionCacheSize(4096)
                .readTimeout(INSTANCE_READ_TIMEOUT)
                .followRedirects(false)
                .sendExpectContinue(false)
                .build();
        InvocationHandler invocations = new InvocationHandler(dispatcher, client, metrics);
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
        return new GatewayServer(server, client);
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
        gatewayToInstance.closeResource();
    }
}
