package dev.edgefaas.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.platform.SampleFunctions;
import dev.edgefaas.testing.HeadlessChromium;
import dev.edgefaas.testing.TestPlatform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard as an operator uses it, in headless Chromium against a real node: log in with
 * the token, deploy a function from the form, see its instance, its request and its log line
 * come without a reload, remove it and see it go. Screenshots at a desktop's and a phone's
 * width are kept in {@code target/dashboard-screenshots}; any error the page reports fails it.
 */
class DashboardInBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final Duration LIVE = Duration.ofSeconds(30);

    private static TestPlatform node;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        node = TestPlatform.keepingFunctions();
        browser = new HeadlessChromium(profile);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void anOperatorDeploysWatchesAndRemovesAFunctionWithoutAReload() throws Exception {
        browser.viewport(1280, 900, false);
        browser.navigate(node.admin("/dashboard/").toString());
        awaitTrue("the login form", "!document.getElementById('login').hidden");

        browser.type("#token", node.adminToken());
        browser.click("#login-form button[type=submit]");
        awaitTrue("the logged-in page", "!document.getElementById('app').hidden");
        browser.evaluate("window.pageId = 'first load'"); // Gone if anything reloads the page.

        String manifest = "{\"runtime\": \"go\", \"sandbox\": \"process\", \"artifact\": \""
                + SampleFunctions.functionsDirectory().resolve("go/hello") + "\"}";
        browser.evaluate("document.getElementById('deploy').open = true");
        browser.type("#deploy-name", "shown");
        browser.evaluate("document.getElementById('deploy-manifest').value = " + quoted(manifest.replace("\"go\"", "\"cobol\"")));
        browser.click("#deploy-form button[type=submit]");
        awaitTrue("the API's message on the field at fault", "document.getElementById('deploy-error').textContent"
                + ".startsWith('runtime')");
        assertThat(browser.takeErrors()).as("the browser logs the refused PUT, and only that").singleElement()
                .asString().contains("400", "/api/functions/shown");
        browser.evaluate("document.getElementById('deploy-manifest').value = " + quoted(manifest));
        browser.click("#deploy-form button[type=submit]");
        awaitTrue("the deployed function's row", "!!document.querySelector('#functions tr[data-function=shown]')");

        assertThat(node.get("/function/shown").statusCode()).isEqualTo(200);
        awaitTrue("its instance, with its cold start's phases",
                "(document.querySelector('#instances tr[data-function=shown] td.phases') || {}).textContent > ''");
        awaitTrue("its request counted", "Number(document.querySelector('#functions tr[data-function=shown] td.requests')"
                + ".textContent) >= 1");
        awaitTrue("its cold start in the histogram", "!!document.querySelector('.histogram[data-sandbox=process]')");
        browser.evaluate("document.getElementById('log-function').value = 'shown';"
                + " document.getElementById('log-function').dispatchEvent(new Event('change'))");
        awaitTrue("its log line", "document.getElementById('log').textContent.includes('listening on')");
        assertThat(browser.evaluate("window.pageId").asText()).as("the page was never reloaded").isEqualTo("first load");

        browser.screenshot(SCREENSHOTS.resolve("desktop.png"));
        browser.viewport(390, 844, true);
        awaitTrue("the phone-sized page laid out", "window.innerWidth === 390");
        assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
                .as("nothing wider than a phone's screen but the tables, which scroll in their own box").isTrue();
        browser.screenshot(SCREENSHOTS.resolve("phone.png"));
        browser.viewport(1280, 900, false);

        String row = "document.querySelector('#functions tr[data-function=shown]')";
        String firstVersion = browser.evaluate(row + ".children[3].textContent").asText();
        browser.evaluate(row + ".querySelector('input[name=max-instances]').value = '3'");
        browser.evaluate(row + ".querySelector('button').click()");
        awaitTrue("scaled to max 3", row + ".querySelector('input[name=max-instances]').value === '3' && "
                + row + ".children[3].textContent !== " + quoted(firstVersion));
        assertThat(node.platform().dispatcher().function("shown").orElseThrow().maxInstances()).isEqualTo(3);
        assertThat(browser.evaluate(row + ".querySelector('td.source').textContent").asText())
                .as("where it came from, kept by the scaling redeploy").startsWith("path ");
        assertThat(node.get("/function/shown").statusCode()).isEqualTo(200);
        awaitTrue("an instance of the new version", "!!document.querySelector('#instances tr[data-function=shown]')");

        browser.click("button[data-remove=shown]");
        browser.click("button[data-remove=shown]");
        awaitTrue("the function gone", "!document.querySelector('#functions tr[data-function=shown]')");
        awaitTrue("its instance gone", "!document.querySelector('#instances tr[data-function=shown]')");
        assertThat(node.platform().dispatcher().function("shown")).as("the function on the node").isEmpty();

        for (String name : new String[] {"desktop.png", "phone.png"}) {
            byte[] png = Files.readAllBytes(SCREENSHOTS.resolve(name));
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
            assertThat(png.length).as(name).isGreaterThan(20_000);
        }
        assertThat(browser.errors()).as("errors the page reported").isEmpty();
    }

    private static void awaitTrue(String what, String condition) {
        Supplier<Boolean> holds = () -> browser.evaluate(condition).asBoolean();
        await(what).atMost(LIVE).pollInterval(Duration.ofMillis(200)).until(holds::get);
    }

    private static String quoted(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
