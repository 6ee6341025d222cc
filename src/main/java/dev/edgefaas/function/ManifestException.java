package dev.edgefaas.function;

/** A function manifest was rejected; {@link #field()} names the offending key. */
public final class ManifestException extends RuntimeException {
    private final String field;

    public ManifestException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
