package dev.edgefaas.gateway;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * The invocation listener's event loops: one thread per core, each owning the client
 * connections it accepted and the instance connections they use. Native epoll where Netty's
 * library loads (Linux on x86-64, as here), polling before it sleeps while traffic is dense
 * ({@link BusyPoll}); the JDK's selector otherwise.
 */
final class EventLoops {
    /** Netty's own choice of how many ready events one epoll_wait returns (a table that grows). */
    private static final int GROWING_EVENT_TABLE = 0;

    private EventLoops() {
    }

    /** @param busyPoll how long a loop polls before it sleeps ({@link BusyPoll}); zero: it sleeps at once */
    static EventLoopGroup create(ThreadFactory threads, Duration busyPoll) {
        disableLeakDetectionUnlessAsked();
        int count = Integer.getInteger("edgefaas.eventLoops", Runtime.getRuntime().availableProcessors());
        return new MultiThreadIoEventLoopGroup(count, threads,
                Epoll.isAvailable() ? epoll(busyPoll) : NioIoHandler.newFactory());
    }

    private static IoHandlerFactory epoll(Duration busyPoll) {
        if (busyPoll.isZero()) {
            return EpollIoHandler.newFactory();
        }
        return loop -> {
            if (!(loop instanceof SingleThreadEventExecutor executor)) {
                return EpollIoHandler.newFactory().newHandler(loop);
            }
            // A loop that polls is not woken by a task another thread hands it: it watches its queue instead.
            BusyPoll strategy = new BusyPoll(busyPoll.toNanos(), () -> executor.pendingTasks() > 0);
            return EpollIoHandler.newFactory(GROWING_EVENT_TABLE, () -> strategy).newHandler(loop);
        };
    }

    /**
     * Netty's leak detector is off unless {@code -Dio.netty.leakDetection.level} says otherwise.
     * At its default level it fills in a stack trace for one buffer in 128, and the requests
     * that allocate those are the slow ones: in {@code bench warm-overhead} at one client, the
     * gateway's p99 was 80-130 µs above nginx's with it and about 20 µs without. The test suite
     * runs the detector at paranoid and fails a test class that leaked (NettyLeakCheck).
     */
    private static void disableLeakDetectionUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> socketChannel() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
