package dev.edgefaas.gateway;

import dev.edgefaas.http.HeaderField;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * The client at the other end of one connection, with the forms the forwarded fields write it
 * in: worked out once per connection rather than for each of its requests, since formatting an
 * address allocates. It also keeps the fields that say who the client is for the last host its
 * requests named ({@link ForwardedFields}): a keep-alive client names the same host every time,
 * and building them was a tenth of what the data path allocated per request. Used on the
 * connection's event loop only.
 */
final class ClientPeer {
    private final InetAddress address;
    private final String text;
    private final String forwardedNode;
    /** The host the kept fields are for, which may be null (a request without Host). */
    private String identityHost;
    /** Null until fields are kept. */
    private List<HeaderField> identityFields;

    private ClientPeer(InetAddress address, String text, String forwardedNode) {
        this.address = address;
        this.text = text;
        this.forwardedNode = forwardedNode;
    }

    static ClientPeer of(InetAddress address) {
        String text = address.getHostAddress();
        return new ClientPeer(address, text, address instanceof Inet6Address ? "\"[" + text + "]\"" : text);
    }

    InetAddress address() {
        return address;
    }

    /** As {@code X-Forwarded-For} and {@code X-Real-IP} write it: {@code 127.0.0.1}. */
    String text() {
        return text;
    }

    /** As RFC 7239 section 6 writes it: an IPv6 node bracketed and quoted. */
    String forwardedNode() {
        return forwardedNode;
    }

    /** The identifying fields kept for requests naming {@code host} (null: none), or null if none are kept for it. */
    List<HeaderField> keptIdentity(String host) {
        return identityFields != null && Objects.equals(identityHost, host) ? identityFields : null;
    }

    /** Keeps {@code fields}, immutable, as the identifying fields of requests naming {@code host}. */
    void keepIdentity(String host, List<HeaderField> fields) {
        identityHost = host;
        identityFields = fields;
    }
}
