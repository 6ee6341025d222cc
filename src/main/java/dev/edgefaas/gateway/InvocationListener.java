package dev.edgefaas.gateway;

import dev.edgefaas.metrics.PlatformMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The invocation listener: the gateway's own HTTP/1.1 server on Netty's event loops, a client
 * connection and the instance connections its requests use on one loop thread, so a warm
 * request crosses no thread. It is ours rather than a library's HTTP server because a proxy is
 * judged by its parsing: the framing rules of RFC 9112 are enforced in {@code dev.edgefaas.http},
 * where they can be read and tested, and nothing the client sent reaches an instance unless it
 * has one meaning.
 */
final class InvocationListener implements AutoCloseable {
    private static final int BACKLOG = 4096;

    private final Channel server;
    private final Set<ClientChannel> connections;

    private InvocationListener(Channel server, Set<ClientChannel> connections) {
        this.server = server;
        this.connections = connections;
    }

    /** Binds {@code host:port} (0: any free port) and accepts connections until {@link #close}. */
    static InvocationListener start(String host, int port, EventLoopGroup loops, InvocationHandler handler,
                                    PlatformMetrics metrics) {
        Set<ClientChannel> connections = ConcurrentHashMap.newKeySet();
        ServerBootstrap bootstrap = new ServerBootstrap().group(loops).channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A client that ends its side may still be owed an answer (RFC 9112 section 9.6).
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        ClientChannel connection = new ClientChannel(handler, metrics, connections::remove);
                        connections.add(connection);
                        channel.pipeline().addLast(connection);
                    }
                });
        try {
            Channel server = bootstrap.bind(host, port).sync().channel();
            return new InvocationListener(server, connections);
        } catch (Exception e) {
            throw new UncheckedIOException("cannot listen for invocations on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another --port, or stop what uses it",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Closes client connections that have waited longer than {@code maxIdle} for their next request. */
    void sweepIdle(Duration maxIdle) {
        long now = System.nanoTime();
        for (ClientChannel connection : connections) {
            if (connection.idleNanos(now) > maxIdle.toNanos()) {
                connection.close();
            }
        }
    }

    /** Stops accepting and closes every client connection; requests still in flight fail. Idempotent. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        connections.forEach(ClientChannel::close);
    }
}
