package dev.edgefaas.gateway;

import dev.edgefaas.async.AsyncInvocations;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.ReadinessCallbacks;
import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.metrics.PlatformMetrics;
import io.helidon.common.tls.Tls;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpService;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The platform's HTTP server with three listeners, so each can be exposed on its own:
 * invocations ({@code /function/...}, {@code /async-function/...}) for clients, on the gateway's own HTTP/1.1 server
 * on Netty's event loops ({@link InvocationListener}); the management API for operators (loopback by default) and
 * readiness callbacks for instances, which reach nothing else, both on Helidon.
 */
public final class GatewayServer implements AutoCloseable {
    public static final String CALLBACK = "callback";
    /** A generous bound on one exchange with an instance, against hung instances; not a function timeout. */
    private static final Duration INSTANCE_EXCHANGE_TIMEOUT = Duration.ofMinutes(10);

    /** Instances may close idle connections themselves (Node.js after 65 s); close ours first. */
    private static final Duration MAX_IDLE_CONNECTION = Duration.ofSeconds(30);
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(5);

    /** Helidon's default; a client connection idle this long between requests is closed. */
    private static final Duration MAX_IDLE_CLIENT_CONNECTION = Duration.ofMinutes(5);

    private final EventLoopGroup loops;
    private final ExecutorService waiters;
    private final InvocationListener invocations;
    private final WebServer server;
    private final InstanceLinks links;
    private final ScheduledExecutorService housekeeping;

    private GatewayServer(EventLoopGroup loops, ExecutorService waiters, InvocationListener invocations, WebServer server,
                          InstanceLinks links, ScheduledExecutorService housekeeping) {
        this.loops = loops;
        this.waiters = waiters;
        this.invocations = invocations;
        this.server = server;
        this.links = links;
        this.housekeeping = housekeeping;
    }

    /** Where each listener binds; port 0 picks a free one. */
    public record Listeners(String host, int port, String adminHost, int adminPort, String callbackHost, int callbackPort) {
    }

    /**
     * Starts the listeners; returns once they accept connections.
     *
     * @param adminErrors what the management listener answers to a request refused before its routes
     * @param busyPoll    how long an event loop polls for more work before it sleeps ({@link BusyPoll}); zero: never
     */
    public static GatewayServer start(Listeners listeners, TrustedProxies trustedProxies, Dispatcher dispatcher,
                                      ReadinessCallbacks callbacks, HttpService adminApi, DirectHandler adminErrors,
                                      PlatformMetrics metrics, Optional<Tls> adminTls, AsyncInvocations async,
                                      Duration busyPoll) {
        // "gw-loop-1-2": short, because Linux keeps 15 characters of a thread's name, and top, perf
        // and /proc showed every loop of "edgefaas-loop-1-N" as "edgefaas-loop-1".
        EventLoopGroup loops = EventLoops.create(new DefaultThreadFactory("gw-loop", true), busyPoll);
        ExecutorService waiters = ThreadFactories.virtualPerTask("edgefaas-invocation-wait");
        InstanceLinks links = new InstanceLinks(loops, INSTANCE_EXCHANGE_TIMEOUT);
        // Requests waiting on a stopped instance's connections fail now, not at the timeout.
        dispatcher.onInstanceStopped(links::closeAll);
        InvocationHandler handler = new InvocationHandler(dispatcher, links, trustedProxies, metrics, new AsyncHandler(async),
                waiters);
        InvocationListener invocations;
        WebServer server;
        try {
            invocations = InvocationListener.start(listeners.host(), listeners.port(), loops, handler, metrics);
            try {
                server = startHelidon(listeners, callbacks, adminApi, adminErrors, adminTls);
            } catch (RuntimeException e) {
                invocations.close();
                throw e;
            }
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            waiters.shutdownNow();
            throw e;
        }
        ScheduledExecutorService housekeeping = ThreadFactories.housekeeping("edgefaas-idle-connections");
        housekeeping.scheduleWithFixedDelay(() -> {
            links.sweep(MAX_IDLE_CONNECTION);
            invocations.sweepIdle(MAX_IDLE_CLIENT_CONNECTION);
        }, SWEEP_PERIOD.toSeconds(), SWEEP_PERIOD.toSeconds(), TimeUnit.SECONDS);
        return new GatewayServer(loops, waiters, invocations, server, links, housekeeping);
    }

    /** The management API on the default socket (over TLS where it has a certificate), callbacks on their own. */
    private static WebServer startHelidon(Listeners listeners, ReadinessCallbacks callbacks, HttpService adminApi,
                                          DirectHandler adminErrors, Optional<Tls> adminTls) {
        WebServerConfig.Builder builder = WebServer.builder();
        adminTls.ifPresent(builder::tls);
        return builder
                .host(listeners.adminHost())
                .port(listeners.adminPort())
                .routing(routing -> routing.register(adminApi))
                .directHandlers(handlers -> {
                    for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
                        handlers.addHandler(event, adminErrors);
                    }
                })
                .putSocket(CALLBACK, socket -> socket.host(listeners.callbackHost()).port(listeners.callbackPort())
                        .routing(routing -> routing.register(new CallbackHandler(callbacks))))
                .shutdownHook(false)
                .build()
                .start();
    }

    public int port() {
        return invocations.port();
    }

    public int adminPort() {
        return server.port();
    }

    public int callbackPort() {
        return server.port(CALLBACK);
    }

    @Override
    public void close() {
        invocations.close();
        server.stop();
        housekeeping.shutdownNow();
        links.close();
        waiters.shutdownNow();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
