package dev.edgefaas.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Received bytes gathered until a parser can use them: one contiguous buffer, copied into only when a read does not fit. */
final class Cumulation {
    private Cumulation() {
    }

    /** {@code gathered} followed by {@code more}, which is released; the result replaces {@code gathered}. */
    static ByteBuf append(ByteBufAllocator alloc, ByteBuf gathered, ByteBuf more) {
        try {
            if (!gathered.isReadable() && gathered.refCnt() == 1) {
                gathered.release();
                return more.retain();
            }
            if (gathered.refCnt() == 1 && gathered.maxWritableBytes() >= more.readableBytes()
                    && gathered.writableBytes() >= more.readableBytes()) {
                return gathered.writeBytes(more);
            }
            // Slices of it may be out (content on its way): leave it to them and copy into a new one.
            ByteBuf merged = alloc.ioBuffer(Math.max(gathered.readableBytes() + more.readableBytes(), 1024));
            merged.writeBytes(gathered).writeBytes(more);
            gathered.release();
            return merged;
        } finally {
            more.release();
        }
    }
}
