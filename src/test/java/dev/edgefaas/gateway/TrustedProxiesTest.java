package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    @Test
    void rangesMatchTheirAddressesOnlyAndNothingIsTrustedByDefault() throws Exception {
        TrustedProxies proxies = TrustedProxies.parse(List.of("10.1.0.0/16", "192.0.2.9", "fd00::/8"));

        assertThat(proxies.trusts(InetAddress.getByName("10.1.255.3"))).isTrue();
        assertThat(proxies.trusts(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(proxies.trusts(InetAddress.getByName("192.0.2.9"))).isTrue();
        assertThat(proxies.trusts(InetAddress.getByName("192.0.2.10"))).isFalse();
        assertThat(proxies.trusts(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(proxies.trusts(InetAddress.getByName("::1"))).isFalse();
        assertThat(TrustedProxies.NONE.trusts(InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    @Test
    void anEntryThatIsNoAddressIsRejectedByName() {
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("proxy.example")))
                .hasMessageContaining("'proxy.example'").hasMessageContaining("CIDR");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
                .hasMessageContaining("prefix length must be 0 to 32");
    }
}
