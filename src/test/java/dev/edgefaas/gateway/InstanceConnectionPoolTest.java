package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With a port per instance, whatever the pool keeps by endpoint must go when the instance stops. */
class InstanceConnectionPoolTest {
    @Test
    void closingTheConnectionsOfAStoppedInstanceForgetsItsEndpoint() throws Exception {
        // The listen backlog accepts the connections; nothing needs to be exchanged on them.
        try (ServerSocket instance = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             InstanceConnectionPool pool = new InstanceConnectionPool(Duration.ofMinutes(1))) {
            URI endpoint = URI.create("http://127.0.0.1:" + instance.getLocalPort());
            pool.release(pool.acquire(endpoint));
            assertThat(pool.endpointsKnown()).isEqualTo(1);

            pool.closeAll(endpoint);

            assertThat(pool.endpointsKnown()).isZero();
        }
    }

    @Test
    void aConnectionWhoseExchangeEndsAfterItsInstanceStoppedIsNotPooled() throws Exception {
        try (ServerSocket instance = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             InstanceConnectionPool pool = new InstanceConnectionPool(Duration.ofMinutes(1))) {
            URI endpoint = URI.create("http://127.0.0.1:" + instance.getLocalPort());
            InstanceConnection busy = pool.acquire(endpoint);

            pool.closeAll(endpoint);
            pool.release(busy);

            assertThat(pool.endpointsKnown()).isZero();
        }
    }
}
