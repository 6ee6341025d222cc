package dev.edgefaas.platform;

import dev.edgefaas.dispatcher.WaitingRoom;
import dev.edgefaas.host.network.AddressRanges;
import java.util.List;

/**
 * The node's bounds on work not yet given an instance, each in number and in bytes: requests
 * waiting for an instance (503 beyond), and accepted asynchronous invocations not yet run
 * (429 beyond); and where asynchronous results may be sent beyond what callbacks reach by
 * default ({@link dev.edgefaas.async.CallbackPolicy}).
 */
public record NodeLimits(int waitingRequests, long waitingBytes, int asyncInvocations, long asyncBytes,
                         AddressRanges callbackAllowed) {
    public static final int DEFAULT_ASYNC_INVOCATIONS = 10_000;
    public static final long DEFAULT_ASYNC_BYTES = 256L * 1024 * 1024;
    public static final NodeLimits DEFAULTS = new NodeLimits(WaitingRoom.DEFAULT_REQUESTS, WaitingRoom.DEFAULT_BYTES,
            DEFAULT_ASYNC_INVOCATIONS, DEFAULT_ASYNC_BYTES, AddressRanges.NONE);
    /** Loopback callbacks allowed: for platforms of tests and benchmarks, whose receivers are on loopback. */
    public static final NodeLimits LOOPBACK_CALLBACKS = DEFAULTS.withCallbackAllowed(
            AddressRanges.parse(List.of("127.0.0.0/8", "::1"), "callback address"));

    public NodeLimits {
        if (waitingRequests < 1 || waitingBytes < 1 || asyncInvocations < 1 || asyncBytes < 1) {
            throw new IllegalArgumentException("every bound of the node's queues is at least 1");
        }
    }

    public NodeLimits withCallbackAllowed(AddressRanges ranges) {
        return new NodeLimits(waitingRequests, waitingBytes, asyncInvocations, asyncBytes, ranges);
    }

    WaitingRoom waitingRoom() {
        return new WaitingRoom(waitingRequests, waitingBytes);
    }
}
