package dev.edgefaas.admin;

import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.logs.FunctionLog;
import dev.edgefaas.logs.LogLine;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/functions/{name}/logs?tail=N&instance=ID&follow=true}: the last lines of a
 * function's log as text, one {@link LogLine} per line; with {@code follow}, the response stays
 * open and carries every line that comes after, until the client goes (seen at the next line) or
 * the log closes (the function removed, the node stopping). A followed log with no line yet
 * answers with its first.
 */
final class LogsEndpoint {
    static final int DEFAULT_TAIL = 100;
    static final int MAX_TAIL = 10_000;
    /** How often a follower looks whether the node is stopping while no line comes. */
    private static final long FOLLOW_POLL_MILLIS = 1_000;

    private final Dispatcher dispatcher;

    LogsEndpoint(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    void handle(ServerRequest request, ServerResponse response) throws IOException {
        String name = request.path().pathParameters().get("name");
        Optional<FunctionLog> log = dispatcher.log(name);
        if (log.isEmpty()) {
            AdminResponses.json(response, 404, AdminResponses.notFound(name));
            return;
        }
        int tail;
        try {
            tail = Integer.parseInt(request.query().first("tail").orElse(Integer.toString(DEFAULT_TAIL)));
        } catch (NumberFormatException e) {
            tail = -1;
        }
        if (tail < 0 || tail > MAX_TAIL) {
            AdminResponses.badRequest(response, "tail", "must be a number of lines from 0 to " + MAX_TAIL
                    + ", e.g. tail=100");
            return;
        }
        String follow = request.query().first("follow").orElse("false");
        if (!follow.equals("true") && !follow.equals("false")) {
            AdminResponses.badRequest(response, "follow", "must be true or false, got '" + follow + "'");
            return;
        }
        Optional<String> instance = request.query().first("instance").filter(id -> !id.isEmpty());
        response.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (follow.equals("false")) {
            response.send(text(log.get().tail(tail, instance)));
            return;
        }
        // Subscribed before the tail is read, so that no line falls between the two (one may come twice).
        try (FunctionLog.Follower follower = log.get().follow(instance)) {
            byte[] first = text(log.get().tail(tail, instance));
            // The status and headers go out with the first bytes: a log with nothing yet answers with its first line.
            while (first.length == 0 && !follower.closed()) {
                first = follower.next(FOLLOW_POLL_MILLIS).map(LogsEndpoint::text).orElse(first);
            }
            if (first.length == 0) {
                response.send();
                return;
            }
            try (OutputStream out = response.outputStream()) {
                out.write(first);
                out.flush();
                while (!follower.closed()) {
                    Optional<LogLine> line = follower.next(FOLLOW_POLL_MILLIS);
                    if (line.isPresent()) {
                        out.write(text(line.get()));
                        out.flush();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | UncheckedIOException e) {
            // The client went away: its follower is closed above.
        }
    }

    private static byte[] text(LogLine line) {
        return (line.format() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] text(List<LogLine> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.format()).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
