package dev.edgefaas.http;

/** One field line of a message head, as received or as it will be sent (ISO-8859-1, byte for byte). */
public record HeaderField(String name, String value) {
    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }
}
