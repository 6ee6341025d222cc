package dev.edgefaas.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShutdownTest {
    private final List<String> ran = new ArrayList<>();

    @Test
    void everyStepRunsAndTheFirstFailureIsThrownWithTheLaterOnesSuppressed() {
        IllegalStateException first = new IllegalStateException("the server would not stop");

        assertThatThrownBy(() -> Shutdown.all(
                () -> ran.add("dispatcher"),
                () -> {
                    ran.add("server");
                    throw first;
                },
                () -> {
                    ran.add("namespaces");
                    throw new IOException("ip netns delete failed");
                },
                () -> ran.add("state")))
                .isSameAs(first)
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("ip netns delete failed"));
        assertThat(ran).containsExactly("dispatcher", "server", "namespaces", "state");
    }

    @Test
    void aCheckedFirstFailureIsWrappedWithItsCause() {
        IOException cause = new IOException("disk full");

        assertThatThrownBy(() -> Shutdown.all(() -> {
            throw cause;
        })).isInstanceOf(IllegalStateException.class).hasCause(cause).hasMessageContaining("disk full");
    }

    @Test
    void anInterruptedStepSetsTheFlagAgainAndTheRestStillRun() {
        try {
            Shutdown.all(() -> {
                throw new InterruptedException();
            }, () -> ran.add("after"));

            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(ran).containsExactly("after");
        } finally {
            Thread.interrupted();
        }
    }
}
