package dev.edgefaas.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The node's dashboard under {@code /dashboard/}: its page and assets, which hold no data and
 * need no login, and {@code /dashboard/session}: {@code POST} logs in with the admin token and
 * sets a session cookie, {@code GET} says whether the browser is logged in, {@code DELETE} logs out. What the page shows it reads from the
 * management API with that cookie. Every asset comes from this jar, uPlot from its WebJar: an
 * edge node often has no internet, so nothing is loaded from elsewhere, and the page's
 * Content-Security-Policy says so to the browser.
 */
final class DashboardEndpoint implements HttpService {
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";
    /** Asset name -> where it is on the classpath and its type; nothing else is served. */
    private static final Map<String, Asset> ASSETS = Map.of(
            "", new Asset("/dashboard/index.html", "text/html; charset=utf-8"),
            "app.js", new Asset("/dashboard/app.js", "text/javascript; charset=utf-8"),
            "app.css", new Asset("/dashboard/app.css", "text/css; charset=utf-8"),
            "uPlot.js", new Asset(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "uPlot.css", new Asset(UPLOT + "uPlot.min.css", "text/css; charset=utf-8"));
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private record Asset(String resource, String type) {
    }

    private final Optional<String> token;
    private final DashboardSessions sessions;

    DashboardEndpoint(Optional<String> token, DashboardSessions sessions) {
        this.token = token;
        this.sessions = sessions;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/dashboard/session", this::sessionState)
                .post("/dashboard/session", this::logIn)
                .delete("/dashboard/session", this::logOut)
                .get("/dashboard/{asset}", this::asset)
                .get("/dashboard/", this::asset)
                .get("/dashboard", this::asset);
    }

    private void asset(ServerRequest request, ServerResponse response) {
        if (request.path().rawPath().equals("/dashboard")) {
            // Relative asset names resolve against /dashboard/ only.
            response.status(Status.MOVED_PERMANENTLY_301);
            response.header(HeaderNames.LOCATION, "/dashboard/");
            response.send();
            return;
        }
        String name = request.path().pathParameters().first("asset").orElse("");
        Asset asset = ASSETS.get(name);
        if (asset == null || !request.path().rawPath().startsWith("/dashboard/")) {
            response.status(Status.NOT_FOUND_404);
            response.send("no such part of the dashboard: " + request.path().rawPath());
            return;
        }
        try (InputStream in = DashboardEndpoint.class.getResourceAsStream(asset.resource())) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + asset.resource() + ": rebuild it");
            }
            response.header(HeaderNames.CONTENT_TYPE, asset.type());
            response.header(HeaderNames.CACHE_CONTROL, "no-cache");
            response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
            response.header(HeaderNames.create("Content-Security-Policy"), POLICY);
            response.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
            response.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code {"token": "..."}} in, a session cookie out; a wrong token is 401 and opens nothing. */
    private void logIn(ServerRequest request, ServerResponse response) {
        String given;
        try (InputStream body = request.content().inputStream()) {
            JsonNode json = Json.MAPPER.readTree(body.readNBytes(4096));
            given = json == null ? "" : json.path("token").asText("");
        } catch (IOException e) {
            AdminResponses.badRequest(response, "token", "send {\"token\": \"...\"} as JSON, the admin token of the node");
            return;
        }
        boolean right = token.isEmpty() || AdminToken.matches(token.get(), given);
        if (!right) {
            AdminResponses.json(response, 401, Json.MAPPER.createObjectNode()
                    .put("error", "token: not this node's admin token; it is in " + AdminToken.FILE_NAME
                            + " in the node's data directory (cat /var/lib/edgefaas/" + AdminToken.FILE_NAME + ")")
                    .put("field", "token").put("status", 401));
            return;
        }
        response.header(HeaderNames.SET_COOKIE, DashboardSessions.cookie(sessions.open(), request.isSecure()));
        response.status(Status.NO_CONTENT_204);
        response.send();
    }

    /** Whether the browser is logged in: the page asks before it shows anything, and gets no 401 to log. */
    private void sessionState(ServerRequest request, ServerResponse response) {
        boolean loggedIn = token.isEmpty() || sessions.valid(sessionOf(request));
        AdminResponses.json(response, 200, Json.MAPPER.createObjectNode().put("logged-in", loggedIn));
    }

    private void logOut(ServerRequest request, ServerResponse response) {
        sessionOf(request).ifPresent(sessions::close);
        response.header(HeaderNames.SET_COOKIE, DashboardSessions.expiredCookie());
        response.status(Status.NO_CONTENT_204);
        response.send();
    }

    static Optional<String> sessionOf(ServerRequest request) {
        var cookies = request.headers().cookies();
        return cookies.contains(DashboardSessions.COOKIE) ? Optional.of(cookies.get(DashboardSessions.COOKIE)) : Optional.empty();
    }
}
