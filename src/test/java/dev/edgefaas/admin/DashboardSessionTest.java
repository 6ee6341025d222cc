package dev.edgefaas.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.testing.TestPlatform;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's way in: a session cookie for the admin token, which reads freely and changes only from the dashboard. */
class DashboardSessionTest {
    private static TestPlatform node;

    @BeforeAll
    static void start() {
        node = TestPlatform.keepingFunctions();
        node.deploySample("hello-go", "kept", "");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theRightTokenOpensASessionInAnHttpOnlyStrictCookie() {
        HttpResponse<String> login = logIn(node.adminToken());

        assertThat(login.statusCode()).isEqualTo(204);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(DashboardSessions.COOKIE + "=").contains("HttpOnly", "SameSite=Strict", "Path=/");
        assertThat(get("/dashboard/session", sessionOf(login)).body()).contains("\"logged-in\":true");
        assertThat(get("/api/overview", sessionOf(login)).statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongTokenOpensNothingAndSaysWhereTheTokenIs() {
        HttpResponse<String> login = logIn("not-the-token");

        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(login.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(login.body()).contains("\"field\":\"token\"", AdminToken.FILE_NAME);
        assertThat(get("/dashboard/session", "").body()).contains("\"logged-in\":false");
    }

    @Test
    void aSessionChangesNothingWithoutTheDashboardsHeader() {
        String session = sessionOf(logIn(node.adminToken()));

        HttpResponse<String> forged = node.send(HttpRequest.newBuilder(node.admin("/api/functions/kept"))
                .header("Cookie", session).DELETE().build());

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains(AdminApi.DASHBOARD_HEADER);
        assertThat(node.platform().dispatcher().function("kept")).as("the function, still deployed").isPresent();
    }

    @Test
    void aSessionWithTheHeaderDeploysAndGetsTheApisValidationMessage() {
        String session = sessionOf(logIn(node.adminToken()));

        HttpResponse<String> refused = node.send(HttpRequest.newBuilder(node.admin("/api/functions/broken"))
                .header("Cookie", session).header(AdminApi.DASHBOARD_HEADER, "1")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"runtime\": \"cobol\", \"artifact\": \"/bin/true\"}")).build());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"runtime\"");
    }

    @Test
    void afterLogOutTheCookieOpensNothing() {
        String session = sessionOf(logIn(node.adminToken()));

        HttpResponse<String> logOut = node.send(HttpRequest.newBuilder(node.admin("/dashboard/session"))
                .header("Cookie", session).DELETE().build());

        assertThat(logOut.statusCode()).isEqualTo(204);
        assertThat(logOut.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(get("/api/overview", session).statusCode()).isEqualTo(401);
    }

    @Test
    void theTokenInAUrlIsNotAccepted() {
        HttpResponse<String> answer = node.send(HttpRequest.newBuilder(
                node.admin("/api/overview?token=" + node.adminToken())).GET().build());

        assertThat(answer.statusCode()).isEqualTo(401);
    }

    @Test
    void thePageLoadsNothingFromElsewhereAndOnlyItsOwnAssetsAreServed() {
        HttpResponse<String> page = get("/dashboard/", "");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
        assertThat(page.body()).doesNotContain("http://", "https://");
        assertThat(get("/dashboard/uPlot.js", "").statusCode()).isEqualTo(200);
        assertThat(get("/dashboard/admin-token", "").statusCode()).isEqualTo(404);
        // Not an asset name: it falls through to the API, which wants a token.
        assertThat(get("/dashboard/..%2Fpom.xml", "").statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> logIn(String token) {
        return node.send(HttpRequest.newBuilder(node.admin("/dashboard/session"))
                .header("Content-Type", "application/json").header(AdminApi.DASHBOARD_HEADER, "1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + token + "\"}")).build());
    }

    /** The request header that carries the session a login set. */
    private static String sessionOf(HttpResponse<String> login) {
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    private static HttpResponse<String> get(String path, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.admin(path)).GET();
        if (!cookie.isEmpty()) {
            request.header("Cookie", cookie);
        }
        return node.send(request.build());
    }
}
