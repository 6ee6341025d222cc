package dev.edgefaas.host.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class AddressPoolTest {

    @Test
    void linksAreConsecutiveSlashThirtiesWithTheHostFirstAndFreedLinksComeBack() {
        AddressPool pool = new AddressPool("10.221.4.0/29");

        AddressPool.Link first = pool.allocate();
        AddressPool.Link second = pool.allocate();

        assertThat(first).isEqualTo(new AddressPool.Link(0, "10.221.4.1", "10.221.4.2"));
        assertThat(second).isEqualTo(new AddressPool.Link(1, "10.221.4.5", "10.221.4.6"));
        assertThatThrownBy(pool::allocate).hasMessageContaining("--network-pool");
        pool.release(first);
        assertThat(pool.allocate()).isEqualTo(first);
    }

    @Test
    void aSlashThirtyThatAHostInterfaceAlreadyUsesIsSkipped() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to add a tap device");
        String link = "efpooltest" + ProcessHandle.current().pid() % 1000;
        IpCommand.run(List.of("ip", "tuntap", "add", link, "mode", "tap"), "");
        try {
            IpCommand.run(List.of("ip", "addr", "add", "10.221.8.1/30", "dev", link), "");

            AddressPool.Link allocated = new AddressPool("10.221.8.0/24").allocate();

            assertThat(allocated.host()).isEqualTo("10.221.8.5");
        } finally {
            IpCommand.runQuietly(List.of("ip", "link", "del", link));
        }
    }
}
