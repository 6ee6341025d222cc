package dev.edgefaas.gateway;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The client at the other end of one connection, with the forms the forwarded fields write it
 * in: worked out once per connection rather than for each of its requests, since formatting an
 * address allocates.
 *
 * @param text as {@code X-Forwarded-For} and {@code X-Real-IP} write it, {@code 127.0.0.1}
 * @param forwardedNode as RFC 7239 section 6 writes it: an IPv6 node bracketed and quoted
 */
record ClientPeer(InetAddress address, String text, String forwardedNode) {
    static ClientPeer of(InetAddress address) {
        String text = address.getHostAddress();
        return new ClientPeer(address, text, address instanceof Inet6Address ? "\"[" + text + "]\"" : text);
    }
}
