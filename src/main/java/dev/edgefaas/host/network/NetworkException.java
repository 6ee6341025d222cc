package dev.edgefaas.host.network;

/** A network namespace, link or firewall rule could not be set up; the message says what ran and what it said. */
public final class NetworkException extends RuntimeException {
    public NetworkException(String message) {
        super(message);
    }
}
