package dev.edgefaas.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class NettyLeakCheckTest {
    private final NettyLeakCheck check = new NettyLeakCheck();

    @Test
    void aBufferNeverReleasedFailsTheClass() {
        leakOne();
        assertThatThrownBy(() -> check.afterAll(null))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("never released")
                .hasMessageContaining("leaked on purpose");
    }

    @Test
    void releasedBuffersPass() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        buffer.writeInt(7);
        buffer.release();
        assertThatCode(() -> check.afterAll(null)).doesNotThrowAnyException();
    }

    private static void leakOne() {
        PooledByteBufAllocator.DEFAULT.directBuffer(16).touch("leaked on purpose");
    }
}
