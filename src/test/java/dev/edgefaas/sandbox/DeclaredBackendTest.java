package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The backend skeleton on a backend of the test's own whose host lacks what the test says:
 * every unmet need is told, and a manifest out of scope is refused before the host is asked.
 */
class DeclaredBackendTest {
    private static final ManifestParser PARSER = new ManifestParser(ManifestDefaults.forHost("process"));

    /** A backend that runs Go only, in an isolated network, and needs what {@code unmet} lacks. */
    private static final class Needy extends DeclaredBackend<String> {
        private final List<String> unmet;
        private final List<String> calls = new ArrayList<>();

        Needy(List<String> unmet) {
            super("needy", BackendScope.rootFileSystems().onlyRuntimes(Set.of(Runtime.GO), "deploy a Go function")
                    .isolatedOnly("use \"network\": \"isolated\""));
            this.unmet = unmet;
        }

        @Override
        protected String checkHost(HostNeeds needs) {
            calls.add("checkHost");
            unmet.forEach(reason -> needs.require(false, reason));
            return "host";
        }

        @Override
        protected Availability describe(String host) {
            return Availability.usable("on " + host, Map.of());
        }

        @Override
        protected PreparedFunction prepareOn(String host, FunctionManifest manifest) {
            calls.add("prepareOn " + host);
            return null;
        }

        @Override
        public void reap(InstanceRecord record) {
        }
    }

    private static FunctionManifest manifest(String json) {
        return PARSER.parse("f", json, Path.of("/"));
    }

    private static FunctionManifest goFunction(String overrides) {
        return manifest(Fixtures.goManifest(Fixtures.goSample("hello").getParent(), overrides));
    }

    @Test
    void aProbeListsEveryUnmetNeedNotJustTheFirst() {
        Availability availability = new Needy(List.of("kvm is absent: use a host with KVM", "mkfs is missing: install it"))
                .probe();

        assertThat(availability.usable()).isFalse();
        assertThat(availability.reasons()).containsExactly("kvm is absent: use a host with KVM", "mkfs is missing: install it");
        assertThat(availability.summary()).contains("kvm is absent").contains("mkfs is missing");
    }

    @Test
    void aHostThatMeetsEveryNeedIsDescribed() {
        assertThat(new Needy(List.of()).probe()).satisfies(availability -> {
            assertThat(availability.usable()).isTrue();
            assertThat(availability.summary()).isEqualTo("on host");
        });
    }

    @Test
    void prepareRefusesAManifestOutOfScopeBeforeItAsksTheHost() {
        Needy backend = new Needy(List.of());

        assertThatThrownBy(() -> backend.prepare(manifest(Fixtures.nodeManifest(Fixtures.nodeFixture("recorder.js"), ""))))
                .isInstanceOf(SandboxException.class)
                .hasMessage("runtime: needy runs go functions, not node; deploy a Go function");
        assertThatThrownBy(() -> backend.prepare(goFunction("\"network\": \"host\"")))
                .hasMessage("network: needy has no host network mode; use \"network\": \"isolated\"");
        assertThat(backend.calls).isEmpty();
        assertThat(backend.runs(Runtime.GO)).isTrue();
        assertThat(backend.runs(Runtime.NODE)).isFalse();
    }

    @Test
    void aSandboxThatRunsOnlyTheEntryPointRefusesAManifestsOwnLaunch() {
        BackendScope scope = BackendScope.rootFileSystems().entryPointOnly("run it on runc");

        assertThat(scope.refusal("uni", goFunction("\"args\": [\"{callback}\"]")))
                .hasValue("command, args, port: uni runs the function's entry point as its image was built, on $PORT;"
                        + " run it on runc");
        assertThat(scope.refusal("uni", goFunction("\"readiness\": \"tcp\""))).isEmpty();
    }

    @Test
    void prepareOnAHostThatLacksNeedsSaysThemAllAndBuildsNothing() {
        Needy backend = new Needy(List.of("one is missing: add it", "two is missing: add it too"));

        assertThatThrownBy(() -> backend.prepare(goFunction("")))
                .isInstanceOf(SandboxException.class)
                .hasMessage("needy cannot run here: one is missing: add it; two is missing: add it too");
        assertThat(backend.calls).containsExactly("checkHost");
    }

    @Test
    void prepareOnAHostThatMeetsEveryNeedPreparesWithWhatTheCheckFound() {
        Needy backend = new Needy(List.of());

        backend.prepare(goFunction(""));

        assertThat(backend.calls).containsExactly("checkHost", "prepareOn host");
    }
}
