package dev.edgefaas.gateway;

import dev.edgefaas.http.RequestHead;
import java.net.InetAddress;

/**
 * One request on a client connection: its checked head, its body (read at most once), and the
 * address it came from.
 */
record ClientRequest(RequestHead head, ClientBody body, InetAddress peer) {
}
