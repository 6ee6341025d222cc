package dev.edgefaas.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundWorkTest {

    @Test
    void aWaiterReturnsOnceTheLastPieceEndsAndAClosedTokenCountsOnce() throws Exception {
        // Work an earlier test set off (a closed pool's refill) ends first: the counts below are this test's.
        assertThat(BackgroundWork.awaitNone(Duration.ofSeconds(30))).isTrue();
        BackgroundWork.Token first = BackgroundWork.begin();
        BackgroundWork.Token second = BackgroundWork.begin();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return BackgroundWork.awaitNone(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        first.close();
        first.close();

        assertThat(BackgroundWork.running()).isEqualTo(1);
        assertThat(BackgroundWork.awaitNone(Duration.ofMillis(50))).isFalse();
        assertThat(waiter).isNotDone();
        second.close();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(BackgroundWork.running()).isZero();
    }

    @Test
    void aWaiterGivesUpAfterItsPatienceAndSaysSo() throws Exception {
        try (BackgroundWork.Token unending = BackgroundWork.begin()) {
            assertThat(BackgroundWork.awaitNone(Duration.ofMillis(20))).isFalse();
        }
    }
}
