package dev.edgefaas.gateway;

import dev.edgefaas.async.AsyncInvocations;
import dev.edgefaas.async.AsyncRefusal;
import dev.edgefaas.async.AsyncRequest;
import dev.edgefaas.http.HeaderField;
import dev.edgefaas.http.RequestHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /async-function/{name}/{path...}}: the request is kept and queued, and answered
 * {@code 202} at once with its invocation id (body and {@code X-Edgefaas-Invocation}); the
 * management API's {@code GET /api/async/ID} tells how it went. An {@code X-Callback-Url} gets
 * the result when it is there. Refusals say why: 400, 404, 413, 429 (queue full), 503.
 */
final class AsyncHandler {
    static final String PREFIX = "/async-function/";
    /**
     * Not kept: framing and connection fields (the run has its own), the callback itself, and who
     * the client claims to be (the run is a request from the node, and says so).
     */
    private static final Set<String> DROPPED = Set.of("host", "content-length", "transfer-encoding", "expect", "upgrade",
            "x-callback-url", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded", "x-real-ip", "via");
    private static final List<HeaderField> ALLOW_POST = List.of(new HeaderField("Allow", "POST"));

    private final AsyncInvocations invocations;

    AsyncHandler(AsyncInvocations invocations) {
        this.invocations = invocations;
    }

    void handle(ClientRequest request, ClientResponse response) throws ClientSideException {
        RequestHead head = request.head();
        FunctionPath path = FunctionPath.parse(head.rawPath(), PREFIX);
        if (path == null) {
            ErrorResponses.send(response, 404, "invoke a function asynchronously at /async-function/{name}/{path}");
            return;
        }
        if (!head.method().equals("POST")) {
            ErrorResponses.send(response, 405, "an asynchronous invocation is a POST; " + head.method()
                    + " is for /function/" + path.function() + "/", ALLOW_POST);
            return;
        }
        String query = head.rawQuery();
        String target = path.forwardedPath() + (query.isEmpty() ? "" : "?" + query);
        AsyncRequest accepted;
        try {
            accepted = invocations.accept(path.function(), head.method(), target, keptFields(head), callbackUrl(head),
                    head.framing() == RequestHead.BodyFraming.CHUNKED ? -1 : head.contentLength(), request.body());
        } catch (AsyncRefusal e) {
            ErrorResponses.send(response, e.status(), e.getMessage(), ErrorResponses.retryAfter(e.retryAfter()));
            return;
        } catch (ClientSideException e) {
            throw e;
        } catch (IOException e) {
            throw new ClientSideException(e);
        }
        byte[] body = ("{\"id\":\"" + accepted.id() + "\",\"state\":\"queued\",\"status\":\"/api/async/" + accepted.id()
                + "\"}").getBytes(StandardCharsets.UTF_8);
        response.send(202, "Accepted", List.of(new HeaderField("Content-Type", "application/json"),
                new HeaderField("X-Edgefaas-Invocation", accepted.id())), body);
    }

    private static List<HeaderField> keptFields(RequestHead head) {
        HopByHopHeaders hopByHop = HopByHopHeaders.withConnectionOptions(head.connectionOptions());
        List<HeaderField> kept = new ArrayList<>();
        for (HeaderField field : head.fields()) {
            String name = field.name().toLowerCase(Locale.ROOT);
            if (!DROPPED.contains(name) && !hopByHop.contains(field.name())) {
                kept.add(field);
            }
        }
        return kept;
    }

    private static Optional<String> callbackUrl(RequestHead head) {
        for (HeaderField field : head.fields()) {
            if (field.name().equalsIgnoreCase("X-Callback-Url")) {
                return Optional.of(field.value());
            }
        }
        return Optional.empty();
    }
}
