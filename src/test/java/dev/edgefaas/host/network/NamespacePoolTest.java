package dev.edgefaas.host.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.host.BackgroundWork;
import dev.edgefaas.host.InstanceRecord;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.testing.HostTraces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool on real namespaces, links and rules; root only, as the platform. */
class NamespacePoolTest {
    private Path stateRoot;
    private StateDirectory state;
    private NamespacePool pool;

    @BeforeEach
    void openPool() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to make namespaces");
        stateRoot = Files.createTempDirectory("edgefaas-netns-");
        state = StateDirectory.open(stateRoot);
    }

    /** The pool keeps {@code spares} of each kind ready once it is asked for one. */
    private NamespacePool open(int spares) {
        pool = new NamespacePool(new AddressPool("10.219.0.0/24"), state, spares);
        return pool;
    }

    @AfterEach
    void closePool() {
        if (state != null) {
            if (pool != null) {
                pool.close();
            }
            state.close();
            StateDirectory.deleteTree(stateRoot);
        }
    }

    @Test
    void aGuestNatNamespaceForwardsTheGuestPortToItsTapAndIsGoneWhenReleased() {
        InstanceNetwork network = open(0).takeGuestNat(0);
        String name = network.name();

        assertThat(ip("-n", name, "-o", "addr", "show", "eth0")).contains(network.instanceAddress() + "/30");
        assertThat(ip("-n", name, "link", "show", GuestNat.TAP)).contains(GuestNat.GATEWAY_MAC, "UP");
        assertThat(ip("-n", name, "neigh", "show", "dev", GuestNat.TAP)).contains(GuestNat.GUEST_MAC, "PERMANENT");
        assertThat(ip("netns", "exec", name, "cat", "/proc/sys/net/ipv4/ip_forward")).isEqualTo("1\n");
        assertThat(ip("netns", "exec", name, "iptables", "-t", "nat", "-S"))
                .contains("--to-destination " + GuestNat.GUEST + ":" + GuestNat.PORT);
        assertThat(state.recordOf(name)).isPresent();

        pool.release(network);

        assertThat(HostTraces.networkObjects(name)).isEmpty();
        assertThat(state.recordOf(name)).isEmpty();
    }

    @Test
    void theReaperRemovesTheNamespaceAndLinkThatACrashedRunRecorded() {
        InstanceNetwork network = open(0).take(0);
        InstanceRecord record = state.recordOf(network.name()).orElseThrow();
        assertThat(HostTraces.networkObjects(network.name())).hasSize(2);

        NamespacePool.reap(record);

        assertThat(HostTraces.networkObjects(network.name())).isEmpty();
    }

    @Test
    void sparesAreBackgroundWorkUntilTheyAreReady() throws Exception {
        open(2).warmUp();

        assertThat(BackgroundWork.awaitNone(Duration.ofSeconds(30))).isTrue();
        assertThat(pool.spares()).isEqualTo(2);
    }

    private static String ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        return IpCommand.output(command);
    }
}
