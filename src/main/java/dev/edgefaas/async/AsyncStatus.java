package dev.edgefaas.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an asynchronous invocation is, as the status API shows it and the queue keeps it on disk.
 * Immutable: each change is a new status, written before it is acted on.
 *
 * @param runs           how often an instance got it (more than one: a failed instance came between; a
 *                       restart of the node may also have cut a run off uncounted: the function sees the same
 *                       {@code X-Edgefaas-Invocation} each time, so it can tell)
 * @param status         the function's answer's status, once {@link State#DONE}
 * @param resultBytes    the size of the answer's body, of which at most {@link AsyncStore#MAX_RESULT_BYTES} are kept
 * @param error          why it {@link State#FAILED}, or the last thing that delayed it
 * @param callbackState  {@code none}, or how the delivery of the result to the callback URL stands
 */
public record AsyncStatus(State state, int runs, Optional<Instant> startedAt, Optional<Instant> finishedAt, int status,
                          String contentType, long resultBytes, String error, Delivery callbackState, int callbackAttempts,
                          String callbackError) {

    /** The invocation's life: queued (again after a restart that interrupted it), running, then done or failed. */
    public enum State {
        QUEUED, RUNNING, DONE, FAILED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean finished() {
            return this == DONE || this == FAILED;
        }
    }

    /** The delivery of the result to the callback URL. */
    public enum Delivery {
        NONE, PENDING, DELIVERED, FAILED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static AsyncStatus queued(boolean hasCallback) {
        return new AsyncStatus(State.QUEUED, 0, Optional.empty(), Optional.empty(), 0, "", 0, "",
                hasCallback ? Delivery.PENDING : Delivery.NONE, 0, "");
    }

    AsyncStatus running(Instant now) {
        return new AsyncStatus(State.RUNNING, runs, Optional.of(now), finishedAt, status, contentType, resultBytes, error,
                callbackState, callbackAttempts, callbackError);
    }

    /**
     * Back in the queue: no capacity yet, or the run was cut off by a failure or a restart.
     *
     * @param ran whether the function got it (a failed instance), not only the gateway
     */
    AsyncStatus delayed(String why, boolean ran) {
        return new AsyncStatus(State.QUEUED, ran ? runs + 1 : runs, startedAt, finishedAt, status, contentType, resultBytes, why,
                callbackState, callbackAttempts, callbackError);
    }

    AsyncStatus done(Instant now, int answerStatus, String answerType, long answerBytes) {
        return new AsyncStatus(State.DONE, runs + 1, startedAt, Optional.of(now), answerStatus, answerType, answerBytes, "",
                callbackState, callbackAttempts, callbackError);
    }

    AsyncStatus failed(Instant now, String why) {
        return new AsyncStatus(State.FAILED, runs, startedAt, Optional.of(now), status, contentType, resultBytes, why,
                callbackState, callbackAttempts, callbackError);
    }

    AsyncStatus callback(Delivery delivery, String why) {
        return new AsyncStatus(state, runs, startedAt, finishedAt, status, contentType, resultBytes, error, delivery,
                callbackAttempts + 1, why);
    }

    /** Whether its result still has to reach its callback URL. */
    boolean callbackDue() {
        return state.finished() && callbackState == Delivery.PENDING;
    }

    /** The status in the keys the status API shows and the disk keeps. */
    public ObjectNode toJson() {
        ObjectNode node = AsyncJson.MAPPER.createObjectNode().put("state", state.key()).put("runs", runs);
        startedAt.ifPresent(at -> node.put("started-at", at.toString()));
        finishedAt.ifPresent(at -> node.put("finished-at", at.toString()));
        if (state == State.DONE) {
            node.put("status", status).put("content-type", contentType).put("result-bytes", resultBytes);
        }
        if (!error.isEmpty()) {
            node.put("error", error);
        }
        if (callbackState != Delivery.NONE) {
            ObjectNode callback = node.putObject("callback").put("state", callbackState.key())
                    .put("attempts", callbackAttempts);
            if (!callbackError.isEmpty()) {
                callback.put("error", callbackError);
            }
        }
        return node;
    }

    static AsyncStatus fromJson(JsonNode node) {
        JsonNode callback = node.path("callback");
        return new AsyncStatus(State.valueOf(AsyncJson.text(node, "state").toUpperCase(Locale.ROOT)), node.path("runs").asInt(),
                instant(node, "started-at"), instant(node, "finished-at"), node.path("status").asInt(),
                node.path("content-type").asText(""), node.path("result-bytes").asLong(), node.path("error").asText(""),
                callback.isMissingNode() ? Delivery.NONE : Delivery.valueOf(callback.path("state").asText("none")
                        .toUpperCase(Locale.ROOT)),
                callback.path("attempts").asInt(), callback.path("error").asText(""));
    }

    private static Optional<Instant> instant(JsonNode node, String key) {
        return node.hasNonNull(key) ? Optional.of(Instant.parse(node.get(key).asText())) : Optional.empty();
    }
}
