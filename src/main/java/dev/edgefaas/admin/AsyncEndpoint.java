package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.async.AsyncInvocations;
import dev.edgefaas.async.AsyncRequest;
import dev.edgefaas.async.AsyncStatus;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code GET /api/async/{id}}: how an asynchronous invocation stands (queued, running, done or
 * failed, its runs, its answer's status, its callback's delivery); {@code GET
 * /api/async/{id}/result}: the body of its answer, once done, with the answer's status in
 * {@code X-Function-Status}. Kept for an hour after it finished.
 */
final class AsyncEndpoint {
    private final AsyncInvocations invocations;

    AsyncEndpoint(AsyncInvocations invocations) {
        this.invocations = invocations;
    }

    void status(ServerRequest request, ServerResponse response) {
        String id = request.path().pathParameters().get("id");
        Optional<AsyncInvocations.View> view = invocations.view(id);
        if (view.isEmpty()) {
            notFound(response, id);
            return;
        }
        AdminResponses.json(response, 200, json(view.get()));
    }

    void result(ServerRequest request, ServerResponse response) throws IOException {
        String id = request.path().pathParameters().get("id");
        Optional<AsyncInvocations.View> view = invocations.view(id);
        if (view.isEmpty()) {
            notFound(response, id);
            return;
        }
        AsyncStatus status = view.get().status();
        Optional<Path> result = invocations.result(id);
        if (result.isEmpty()) {
            AdminResponses.json(response, 409, Json.MAPPER.createObjectNode()
                    .put("error", "invocation " + id + " is " + status.state().key() + ", it has no result"
                            + (status.error().isEmpty() ? "" : ": " + status.error()))
                    .put("status", 409));
            return;
        }
        response.header(HeaderNames.create("X-Function-Status"), Integer.toString(status.status()));
        if (!status.contentType().isEmpty()) {
            response.header(HeaderNames.CONTENT_TYPE, status.contentType());
        }
        response.contentLength(Files.size(result.get()));
        try (InputStream in = Files.newInputStream(result.get()); OutputStream out = response.outputStream()) {
            in.transferTo(out);
        }
    }

    private static ObjectNode json(AsyncInvocations.View view) {
        AsyncRequest request = view.request();
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("id", request.id())
                .put("function", request.function())
                .put("method", request.method())
                .put("path", request.target())
                .put("accepted-at", request.acceptedAt().toString())
                .put("body-bytes", request.bodyBytes());
        node.setAll(view.status().toJson());
        if (request.callback().isPresent() && node.get("callback") instanceof ObjectNode callback) {
            callback.put("url", request.callback().get().toString());
        }
        return node;
    }

    private static void notFound(ServerResponse response, String id) {
        AdminResponses.json(response, 404, Json.MAPPER.createObjectNode()
                .put("error", "no asynchronous invocation '" + id + "' is known here (results are kept for "
                        + AsyncInvocations.FINISHED_KEPT.toMinutes() + " minutes after they finish)")
                .put("status", 404));
    }
}
