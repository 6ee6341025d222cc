package dev.edgefaas.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which invocation runs next, and which finished ones are forgotten: the queue's rules on their own. */
class AsyncQueueTest {
    private static AsyncRequest request(String id, String function) {
        return new AsyncRequest(id, function, "POST", "/", List.of(), Optional.empty(), Instant.now(), 10);
    }

    private static AsyncStatus finished(Instant at, boolean callbackDue) {
        return AsyncStatus.queued(callbackDue).done(at, 200, "text/plain", 3);
    }

    @Test
    void oneFunctionCannotTakeMoreThanItsShareOfTheRunners() throws Exception {
        AsyncQueue queue = new AsyncQueue(10, 1000, 1);
        queue.add(request("a1", "a"), AsyncStatus.queued(false));
        queue.add(request("a2", "a"), AsyncStatus.queued(false));
        queue.add(request("b1", "b"), AsyncStatus.queued(false));

        AsyncQueue.Entry first = queue.take();
        AsyncQueue.Entry second = queue.take();

        assertThat(first.request.id()).isEqualTo("a1");
        assertThat(second.request.id()).as("a2 waits while a1 runs").isEqualTo("b1");
        queue.finished(first);
        assertThat(queue.take().request.id()).isEqualTo("a2");
    }

    @Test
    void theBoundCountsUnfinishedInvocationsAndTheirBytes() {
        AsyncQueue queue = new AsyncQueue(2, 25, 1);
        queue.add(request("a", "f"), AsyncStatus.queued(false));

        assertThat(queue.noRoomFor(16)).contains("KiB");
        assertThat(queue.noRoomFor(10)).isNull();
        queue.add(request("b", "f"), AsyncStatus.queued(false));
        assertThat(queue.noRoomFor(0)).contains("2 not yet finished");
    }

    @Test
    void finishedInvocationsAreForgottenWhenOldOrBeyondTheBoundButNotBeforeTheirCallbackIsDelivered() {
        AsyncQueue queue = new AsyncQueue(2, 1000, 1);
        Instant now = Instant.now();
        queue.add(request("old", "f"), finished(now.minusSeconds(7200), false));
        queue.add(request("due", "f"), finished(now.minusSeconds(7100), true));
        queue.add(request("one", "f"), finished(now.minusSeconds(10), false));
        queue.add(request("two", "f"), finished(now.minusSeconds(5), false));
        queue.add(request("three", "f"), finished(now.minusSeconds(1), false));

        List<AsyncQueue.Entry> forgotten = queue.forgetFinished(now.minusSeconds(3600));

        // Two are kept: the newest, and the one whose callback is due, old as it is.
        assertThat(forgotten).extracting(entry -> entry.request.id()).containsExactly("old", "one", "two");
        assertThat(queue.get("due")).isPresent();
        assertThat(queue.get("three")).isPresent();
    }
}
