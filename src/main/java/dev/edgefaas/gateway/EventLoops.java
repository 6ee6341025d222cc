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
        int count = Integer.getInteger("edgefaas.eventLoops", Runtime.getRuntime().availableProcessors());
        return new MultiThreadIoEventLoopGroup(count, threads,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    static Class<? extends ServerSocketChannel> serverChannel() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> socketChannel() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
