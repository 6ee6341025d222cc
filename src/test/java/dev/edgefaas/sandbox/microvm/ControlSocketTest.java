package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlSocketTest {
    private static final ControlSocket SOCKET = new ControlSocket(Path.of("/run/x/qmp.sock"), "QEMU's QMP socket", "QEMU");

    private Process running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.destroyForcibly();
        }
    }

    @Test
    void aSocketThatAnswersAfterSomeTriesIsReturnedWithTheWaitsDeadline() throws Exception {
        running = new ProcessBuilder("sleep", "30").start();
        AtomicInteger tries = new AtomicInteger();
        long before = System.nanoTime();

        long deadline = SOCKET.await(Duration.ofSeconds(10), running, 2, end -> {
            if (tries.incrementAndGet() < 4) {
                throw new IOException("connection refused");
            }
            return end;
        });
        long after = System.nanoTime();

        assertThat(tries).hasValue(4);
        long timeout = Duration.ofSeconds(10).toNanos();
        assertThat(deadline).as("the wait's start plus its timeout").isBetween(before + timeout, after + timeout);
    }

    @Test
    void aVmmThatExitedEndsTheWaitWithTheLastReason() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();

        assertThatThrownBy(() -> SOCKET.await(Duration.ofSeconds(30), exited, 2, end -> {
            throw new IOException("no such file");
        })).isInstanceOf(IOException.class)
                .hasMessage("QEMU's QMP socket /run/x/qmp.sock did not answer within 30000 ms (QEMU exited): no such file");
    }

    @Test
    void aVmmThatRunsButNeverAnswersFailsOnceTheTimeoutHasPassed() throws Exception {
        running = new ProcessBuilder("sleep", "30").start();

        assertThatThrownBy(() -> SOCKET.await(Duration.ofMillis(30), running, 10, end -> {
            throw new IOException("connection refused");
        })).isInstanceOf(IOException.class)
                .hasMessage("QEMU's QMP socket /run/x/qmp.sock did not answer within 30 ms: connection refused");
    }
}
