package dev.edgefaas.sandbox.microvm;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Talks to QEMU's machine protocol (QMP) on its Unix socket. Commands are written without
 * waiting for answers: QMP handles them in order, and a VMM that hangs must not hang its caller;
 * the caller watches the process instead.
 */
final class QmpClient {
    private QmpClient() {
    }

    /** Asks QEMU to quit; false if the socket is not there or refuses. */
    static boolean quit(Path socket) {
        return send(socket, "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n");
    }

    private static boolean send(Path socket, String commands) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.wrap(commands.getBytes(StandardCharsets.US_ASCII));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
