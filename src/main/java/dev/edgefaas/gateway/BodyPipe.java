package dev.edgefaas.gateway;

import dev.edgefaas.http.BulkInputStream;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body handed from its connection's event loop to blocking code on another thread
 * (the asynchronous handler): the loop puts decoded pieces in, the reader takes them out. The
 * client is read no further while a megabyte waits, so a slow reader holds the body in the
 * client's socket, not in memory.
 */
final class BodyPipe extends BulkInputStream implements ClientChannel.BodySink {
    private static final int PAUSE_BYTES = 1024 * 1024;
    private static final int RESUME_BYTES = 256 * 1024;

    private final ClientChannel client;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<ByteBuf> pieces = new ArrayDeque<>();
    private long waiting;
    private boolean paused;
    private boolean ended;
    private IOException failure;

    BodyPipe(ClientChannel client) {
        this.client = client;
    }

    @Override
    public void bodyContent(ByteBuf content) {
        lock.lock();
        try {
            if (failure != null) {
                content.release();
                return;
            }
            pieces.add(content);
            waiting += content.readableBytes();
            if (waiting > PAUSE_BYTES && !paused) {
                paused = true;
                client.pauseBody();
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void bodyEnd() {
        lock.lock();
        try {
            ended = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void bodyFailed(IOException cause) {
        lock.lock();
        try {
            failure = cause;
            pieces.forEach(ByteBuf::release);
            pieces.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (pieces.isEmpty() && !ended && failure == null) {
                arrived.awaitUninterruptibly();
            }
            if (failure != null) {
                throw failure;
            }
            ByteBuf piece = pieces.peekFirst();
            if (piece == null) {
                return -1;
            }
            int n = Math.min(length, piece.readableBytes());
            piece.readBytes(target, offset, n);
            if (!piece.isReadable()) {
                pieces.pollFirst().release();
            }
            waiting -= n;
            if (paused && waiting < RESUME_BYTES) {
                paused = false;
                client.channel().eventLoop().execute(client::resumeBody);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Releases what was not read. */
    @Override
    public void close() {
        bodyFailed(new IOException("the request body is no longer read"));
    }
}
