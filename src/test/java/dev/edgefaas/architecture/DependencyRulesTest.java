package dev.edgefaas.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of the README, checked on the sources: gateway -> dispatcher -> sandbox SPI <-
 * backends; images below backends; {@code http} below the gateway; only {@code platform} names
 * the backends. Every reference counts, an import or a fully qualified name inline. A new
 * reference across these lines fails the build; {@link #KNOWN} lists the ones that predate
 * this test, and shrinks: a known one that is gone must leave the list too.
 */
class DependencyRulesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.edgefaas\\.((?:[a-z][a-z0-9]*\\.)*[a-z][a-z0-9]*)\\.[A-Z]");
    private static final List<String> BACKENDS = List.of("sandbox.process", "sandbox.oci", "sandbox.microvm");
    private static final List<String> ABOVE_BACKENDS = List.of("dispatcher", "gateway", "admin", "platform", "cli", "bench",
            "store", "async");

    /** Package (and its subpackages) -> the packages it must not reference. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "http", List.of("gateway", "dispatcher", "sandbox", "image", "platform", "cli", "bench", "admin"),
            "gateway", List.of("sandbox", "image", "platform", "cli", "bench", "admin"),
            // Asynchronous runs are clients of the gateway over HTTP: they see no layer of it.
            "async", concat(BACKENDS, List.of("sandbox", "gateway", "dispatcher", "image", "platform", "cli", "bench", "admin",
                    "store")),
            "dispatcher", concat(BACKENDS, List.of("gateway", "image", "platform", "cli", "bench", "admin", "store")),
            "image", concat(BACKENDS, ABOVE_BACKENDS),
            "store", concat(BACKENDS, List.of("gateway", "platform", "cli", "bench", "admin")),
            "function", List.of("gateway", "dispatcher", "sandbox", "image", "platform", "cli", "bench", "admin", "host"),
            "host", List.of("gateway", "dispatcher", "sandbox", "image", "platform", "cli", "bench", "admin"));

    /** References that break the rules and are known, each to be removed; "file -> package". None now. */
    private static final Set<String> KNOWN = Set.of();

    @Test
    void noPackageReferencesOneItsLayerMayNotSee() {
        Set<String> violations = new TreeSet<>();
        for (Path file : sources()) {
            String from = packageOf(file);
            for (String to : references(file)) {
                if (to.equals(from) || to.startsWith(from + ".")) {
                    continue;
                }
                if (forbidden(from, to)) {
                    violations.add(SOURCES.resolve("dev/edgefaas").relativize(file) + " -> " + to);
                }
            }
        }

        assertThat(violations).as("references across the layers (README, 'How it is built')")
                .isSubsetOf(KNOWN);
        assertThat(KNOWN).as("known violations that are gone: remove them from KNOWN").isSubsetOf(violations);
    }

    private static boolean forbidden(String from, String to) {
        // Backends never see one another, nor anything above them.
        for (String backend : BACKENDS) {
            if (from.equals(backend) || from.startsWith(backend + ".")) {
                for (String other : concat(BACKENDS, ABOVE_BACKENDS)) {
                    if (!other.equals(backend) && refersTo(to, other)) {
                        return true;
                    }
                }
            }
            // Only the platform, which wires them, names a backend.
            if (refersTo(to, backend) && !from.equals("platform") && !refersTo(from, backend)) {
                return true;
            }
        }
        if (from.equals("sandbox")) {
            return to.startsWith("sandbox.") || ABOVE_BACKENDS.stream().anyMatch(above -> refersTo(to, above))
                    || refersTo(to, "image");
        }
        for (Map.Entry<String, List<String>> rule : FORBIDDEN.entrySet()) {
            if (refersTo(from, rule.getKey()) && rule.getValue().stream().anyMatch(denied -> refersTo(to, denied))) {
                return true;
            }
        }
        return false;
    }

    private static boolean refersTo(String pkg, String prefix) {
        return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
    }

    private static List<Path> sources() {
        try (Stream<Path> walk = Files.walk(SOURCES.resolve("dev/edgefaas"))) {
            return walk.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String packageOf(Path file) {
        return SOURCES.resolve("dev/edgefaas").relativize(file.getParent()).toString().replace('/', '.');
    }

    /** Every edgefaas package the file names, outside its package line. */
    private static Set<String> references(Path file) {
        Set<String> packages = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("package ")) {
                    continue;
                }
                Matcher matcher = REFERENCE.matcher(line);
                while (matcher.find()) {
                    packages.add(matcher.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packages;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
