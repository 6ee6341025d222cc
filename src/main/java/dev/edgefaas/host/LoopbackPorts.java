package dev.edgefaas.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free TCP ports on loopback for instances that share the host's network. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /**
     * A port that was free a moment ago. The kernel hands out ephemeral ports in sequence, so
     * a port released here is not handed to the next caller before the instance binds it.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
