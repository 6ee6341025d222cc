package dev.edgefaas.sandbox;

import java.util.Optional;

/** A sandbox could not prepare or start an instance; the message says what was seen and what to do. */
public class SandboxException extends RuntimeException {
    private final transient Diagnosis diagnosis;

    public SandboxException(String message) {
        this(message, null, null);
    }

    public SandboxException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public SandboxException(String message, Diagnosis diagnosis, Throwable cause) {
        super(diagnosis == null ? message : message + ": " + diagnosis.describe(), cause);
        this.diagnosis = diagnosis;
    }

    public Optional<Diagnosis> diagnosis() {
        return Optional.ofNullable(diagnosis);
    }
}
