package dev.edgefaas.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Keep-alive connections to instances, pooled per event loop: a client connection's exchanges
 * use connections of its own loop, so a request never crosses threads. Idle ones wait by
 * endpoint, most recently used first; every open one is also in its loop's set, so that
 * {@link #sweep} can close those idle too long and those busy past the exchange timeout (a hung
 * instance). Each loop's part is touched only on that loop; other threads post to it.
 */
final class InstanceLinks implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final EventLoopGroup loops;
    private final Duration exchangeTimeout;
    private final Map<EventExecutor, LoopLinks> byLoop = new ConcurrentHashMap<>();

    InstanceLinks(EventLoopGroup loops, Duration exchangeTimeout) {
        this.loops = loops;
        this.exchangeTimeout = exchangeTimeout;
    }

    private static final class LoopLinks {
        final Map<URI, Deque<InstanceLink>> idle = new HashMap<>();
        final Set<InstanceLink> open = new HashSet<>();
    }

    private LoopLinks of(EventExecutor loop) {
        return byLoop.computeIfAbsent(loop, l -> new LoopLinks());
    }

    /** On {@code loop}: an idle connection to {@code endpoint}, or a new one, given to {@code then} (or why not). */
    void acquire(EventLoop loop, URI endpoint, BiConsumer<InstanceLink, IOException> then) {
        Deque<InstanceLink> idle = of(loop).idle.get(endpoint);
        InstanceLink pooled = idle == null ? null : idle.pollFirst();
        if (pooled != null) {
            then.accept(pooled, null);
            return;
        }
        open(loop, endpoint, then);
    }

    /** On {@code loop}: a new connection, for a first exchange or a retry after a pooled one turned out closed. */
    void open(EventLoop loop, URI endpoint, BiConsumer<InstanceLink, IOException> then) {
        InstanceLink link = new InstanceLink(endpoint, this);
        ChannelFuture connect = new Bootstrap().group(loop).channel(EventLoops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(link)
                .connect(endpoint.getHost(), endpoint.getPort());
        connect.addListener(done -> {
            if (done.isSuccess()) {
                of(loop).open.add(link);
                then.accept(link, null);
            } else {
                Throwable cause = done.cause();
                then.accept(null, cause instanceof IOException io ? io : new IOException(cause));
            }
        });
    }

    /** On the link's loop: returns a connection whose exchange completed and that may carry another. */
    void release(InstanceLink link) {
        LoopLinks mine = of(link.channel().eventLoop());
        if (!mine.open.contains(link) || !link.channel().isActive()) {
            // Closed under its exchange (the instance stopped): pooling it would bring its endpoint
            // back into the idle map, for good.
            return;
        }
        link.markIdle();
        mine.idle.computeIfAbsent(link.endpoint(), e -> new ArrayDeque<>()).offerFirst(link);
    }

    /** On the link's loop: closes a connection after a failed or final exchange. */
    void discard(InstanceLink link) {
        link.detach();
        forget(link);
        link.channel().close();
    }

    /** On the link's loop: the connection closed, by either side; it leaves the pool. */
    void forget(InstanceLink link) {
        LoopLinks mine = of(link.channel().eventLoop());
        if (mine.open.remove(link)) {
            Deque<InstanceLink> idle = mine.idle.get(link.endpoint());
            if (idle != null) {
                idle.remove(link);
                if (idle.isEmpty()) {
                    // With a port per instance, every instance that ever stopped would otherwise
                    // leave an entry for the life of the node.
                    mine.idle.remove(link.endpoint());
                }
            }
        }
    }

    /** Closes every connection to {@code endpoint}, busy ones too: their requests fail now, not at the timeout. */
    void closeAll(URI endpoint) {
        eachLoop(mine -> {
            for (InstanceLink link : Set.copyOf(mine.open)) {
                if (link.endpoint().equals(endpoint)) {
                    // A busy one's exchange learns it from the closed connection: a retry, or 502.
                    link.channel().close();
                }
            }
            mine.idle.remove(endpoint);
        });
    }

    /** Closes connections idle longer than {@code maxIdle} and those busy longer than the exchange timeout. */
    void sweep(Duration maxIdle) {
        eachLoop(mine -> {
            long now = System.nanoTime();
            for (InstanceLink link : Set.copyOf(mine.open)) {
                long age = now - link.sinceNanos();
                if (link.busy() ? age > exchangeTimeout.toNanos() : age > maxIdle.toNanos()) {
                    // A busy one's request fails with the closed connection and is answered 502.
                    link.channel().close();
                }
            }
        });
    }

    /** Endpoints that have idle connections, over all loops; for tests. */
    int endpointsKnown() {
        return byLoop.values().stream().mapToInt(mine -> mine.idle.size()).sum();
    }

    private void eachLoop(Consumer<LoopLinks> action) {
        for (EventExecutor loop : loops) {
            loop.execute(() -> action.accept(of(loop)));
        }
    }

    @Override
    public void close() {
        eachLoop(mine -> Set.copyOf(mine.open).forEach(link -> link.channel().close()));
    }
}
