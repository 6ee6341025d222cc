package dev.edgefaas.gateway;

import java.io.IOException;

/**
 * An I/O failure on the client's side of an exchange: its body was malformed or cut off, or it
 * went away while being answered. Tagged so that the forwarder does not blame the instance
 * (no 502, no retry, no wait for the instance's exit) and the connection is closed.
 */
final class ClientSideException extends IOException {
    ClientSideException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
