package dev.edgefaas.gateway;

import dev.edgefaas.http.HeaderField;
import dev.edgefaas.http.RequestHead;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields a client request is forwarded to an instance with: the client's end-to-end
 * fields as sent (byte for byte), then the gateway's own. The gateway owns the framing fields,
 * {@code Host} (the effective host, RFC 9112 section 3.2.2), {@code Via} and the fields that say
 * who the client is: {@code X-Forwarded-For/-Host/-Proto}, {@code Forwarded} (RFC 7239) and
 * {@code X-Real-IP}. A client's own values of those are dropped, unless it is a trusted front
 * proxy, whose values are kept and appended to, so a function reads one truthful value.
 */
final class ForwardedFields {
    private static final String VIA = "1.1 edgefaas";

    private ForwardedFields() {
    }

    static List<HeaderField> of(RequestHead head, ClientPeer peer, TrustedProxies trustedProxies) {
        HopByHopHeaders hopByHop = HopByHopHeaders.withConnectionOptions(head.connectionOptions());
        boolean trusted = trustedProxies.trusts(peer.address());
        String host = head.host();
        List<HeaderField> fields = new ArrayList<>(head.fields().size() + 8);
        fields.add(new HeaderField("Host", host == null ? "edgefaas" : host));
        Claims claims = new Claims();
        for (HeaderField field : head.fields()) {
            String name = field.name();
            if (name.equalsIgnoreCase("host") || hopByHop.contains(name) || claims.take(field, trusted)) {
                continue;
            }
            fields.add(field);
        }
        switch (head.framing()) {
            case FIXED -> fields.add(new HeaderField("Content-Length", Long.toString(head.contentLength())));
            case CHUNKED -> fields.add(new HeaderField("Transfer-Encoding", "chunked"));
            case NONE -> {
                if (head.contentLength() == 0 && hasField(head, "content-length")) {
                    fields.add(new HeaderField("Content-Length", "0"));
                }
            }
        }
        boolean gatewaysOwn = claims.none();
        List<HeaderField> identity = gatewaysOwn ? peer.keptIdentity(host) : null;
        if (identity == null) {
            identity = identity(peer, host, claims);
            if (gatewaysOwn) {
                peer.keepIdentity(host, identity);
            }
        }
        fields.addAll(identity);
        return fields;
    }

    /** The fields that say who the client is, and Via: the gateway's own, after a trusted proxy's claims. */
    private static List<HeaderField> identity(ClientPeer peer, String host, Claims claims) {
        List<HeaderField> fields = new ArrayList<>(6);
        String client = peer.text();
        fields.add(new HeaderField("X-Forwarded-For", claims.forwardedFor == null ? client : claims.forwardedFor + ", " + client));
        if (claims.forwardedHost != null || host != null) {
            fields.add(new HeaderField("X-Forwarded-Host", claims.forwardedHost != null ? claims.forwardedHost : host));
        }
        fields.add(new HeaderField("X-Forwarded-Proto", claims.forwardedProto != null ? claims.forwardedProto : "http"));
        String element = "for=" + peer.forwardedNode() + (host == null ? "" : ";host=" + quoted(host)) + ";proto=http";
        fields.add(new HeaderField("Forwarded", claims.forwarded == null ? element : claims.forwarded + ", " + element));
        fields.add(new HeaderField("X-Real-IP", claims.realIp != null ? claims.realIp : client));
        // RFC 9110 section 7.6.3: an HTTP-to-HTTP gateway must add Via to inbound requests.
        fields.add(new HeaderField("Via", VIA));
        return List.copyOf(fields);
    }

    /** The client-identifying fields of one request, kept only from a trusted proxy. */
    private static final class Claims {
        String forwardedFor;
        String forwardedHost;
        String forwardedProto;
        String forwarded;
        String realIp;

        /** Whether {@code field} is one the gateway owns (and so is not copied as it is). */
        boolean take(HeaderField field, boolean trusted) {
            if (field.is("x-forwarded-for")) {
                forwardedFor = trusted ? join(forwardedFor, field.value()) : null;
            } else if (field.is("x-forwarded-host")) {
                forwardedHost = trusted && forwardedHost == null ? field.value() : forwardedHost;
            } else if (field.is("x-forwarded-proto")) {
                forwardedProto = trusted && forwardedProto == null ? field.value() : forwardedProto;
            } else if (field.is("forwarded")) {
                forwarded = trusted ? join(forwarded, field.value()) : null;
            } else if (field.is("x-real-ip")) {
                realIp = trusted && realIp == null ? field.value() : realIp;
            } else {
                return false;
            }
            return true;
        }

        /** Whether the request carried no claims to keep: the identifying fields are then the gateway's alone. */
        boolean none() {
            return forwardedFor == null && forwardedHost == null && forwardedProto == null && forwarded == null
                    && realIp == null;
        }

        private static String join(String earlier, String value) {
            return earlier == null ? value : earlier + ", " + value;
        }
    }

    private static boolean hasField(RequestHead head, String name) {
        for (HeaderField field : head.fields()) {
            if (field.is(name)) {
                return true;
            }
        }
        return false;
    }

    /** A host with a port (or anything but token chars) must be a quoted-string in Forwarded. */
    private static String quoted(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
                return "\"" + host.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return host;
    }
}
