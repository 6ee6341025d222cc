package dev.edgefaas.gateway;

import io.netty.channel.EventLoopGroup;
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
import java.util.concurrent.ThreadFactory;

/**
 * The invocation listener's event loops: one thread per core, each owning the client
 * connections it accepted and the instance connections they use. Native epoll where Netty's
 * library loads (Linux on x86-64, as here), the JDK's selector otherwise.
 */
final class EventLoops {
    private EventLoops() {
    }

    static EventLoopGroup create(ThreadFactory threads) {
        disableLeakDetectionUnlessAsked();
        int count = Integer.getInteger("edgefaas.eventLoops", Runtime.getRuntime().availableProcessors());
        return new MultiThreadIoEventLoopGroup(count, threads,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
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
