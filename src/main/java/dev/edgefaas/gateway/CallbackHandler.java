package dev.edgefaas.gateway;

import dev.edgefaas.dispatcher.ReadinessCallbacks;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /ready/{instance-id}}: a starting instance says it listens. Served on the callback listener only. */
final class CallbackHandler implements HttpService {
    private final ReadinessCallbacks callbacks;

    CallbackHandler(ReadinessCallbacks callbacks) {
        this.callbacks = callbacks;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/ready/{id}", this::ready);
    }

    private void ready(ServerRequest request, ServerResponse response) {
        String id = request.path().pathParameters().get("id");
        if (callbacks.signalReady(id)) {
            response.status(204).send();
        } else {
            ErrorResponses.send(response, 404, "no instance '" + id + "' is starting");
        }
    }
}
