package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With a port per instance, whatever the pool keeps by endpoint must go when the instance stops. */
class InstanceLinksTest {
    private final EventLoopGroup loops = EventLoops.create(new DefaultThreadFactory("test-loop", true), Duration.ZERO);
    private final InstanceLinks links = new InstanceLinks(loops, Duration.ofMinutes(1));
    private final EventLoop loop = loops.next();

    @AfterEach
    void stop() {
        links.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void closingTheConnectionsOfAStoppedInstanceForgetsItsEndpoint() throws Exception {
        // The listen backlog accepts the connections; nothing needs to be exchanged on them.
        try (ServerSocket instance = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            URI endpoint = URI.create("http://127.0.0.1:" + instance.getLocalPort());
            InstanceLink link = acquire(endpoint);
            onLoop(() -> links.release(link));
            assertThat(onLoop(links::endpointsKnown)).isEqualTo(1);

            links.closeAll(endpoint);

            assertThat(onLoop(links::endpointsKnown)).isZero();
            link.channel().closeFuture().await(5, TimeUnit.SECONDS);
            assertThat(link.channel().isOpen()).isFalse();
        }
    }

    @Test
    void aConnectionWhoseExchangeEndsAfterItsInstanceStoppedIsNotPooled() throws Exception {
        try (ServerSocket instance = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            URI endpoint = URI.create("http://127.0.0.1:" + instance.getLocalPort());
            InstanceLink busy = acquire(endpoint);

            links.closeAll(endpoint);
            onLoop(() -> links.release(busy));

            assertThat(onLoop(links::endpointsKnown)).isZero();
        }
    }

    @Test
    void aConnectionTheInstanceClosesWhileIdleLeavesThePool() throws Exception {
        try (ServerSocket instance = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            URI endpoint = URI.create("http://127.0.0.1:" + instance.getLocalPort());
            InstanceLink link = acquire(endpoint);
            onLoop(() -> links.release(link));

            instance.accept().close();

            // The link learns it on its loop, after the close itself is done.
            await().atMost(Duration.ofSeconds(5)).until(() -> onLoop(links::endpointsKnown) == 0);
        }
    }

    private InstanceLink acquire(URI endpoint) throws Exception {
        CompletableFuture<InstanceLink> acquired = new CompletableFuture<>();
        loop.execute(() -> links.acquire(loop, endpoint, (link, failure) -> {
            if (failure != null) {
                acquired.completeExceptionally(failure);
            } else {
                acquired.complete(link);
            }
        }));
        return acquired.get(5, TimeUnit.SECONDS);
    }

    /** Runs on the loop after every task posted before it (closeAll's among them). */
    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private void onLoop(Runnable task) throws Exception {
        loop.submit(task).get(5, TimeUnit.SECONDS);
    }

}
