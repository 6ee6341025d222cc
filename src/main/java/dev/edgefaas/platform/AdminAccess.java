package dev.edgefaas.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the management API may be reached, beyond where it listens.
 *
 * @param tlsCertificate a PEM certificate chain to serve TLS with; with {@link #tlsKey}, or neither
 * @param tlsKey         the PEM private key of {@link #tlsCertificate}
 * @param maxUploadBytes the largest artifact an upload may send
 */
public record AdminAccess(Optional<Path> tlsCertificate, Optional<Path> tlsKey, long maxUploadBytes) {
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 1024L * 1024 * 1024;
    /** Plain HTTP, uploads up to the default limit. */
    public static final AdminAccess PLAIN = new AdminAccess(Optional.empty(), Optional.empty(), DEFAULT_MAX_UPLOAD_BYTES);

    public AdminAccess {
        if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
            throw new IllegalArgumentException("--admin-tls-cert and --admin-tls-key: give both (PEM files), or neither");
        }
        for (Path file : tlsCertificate.stream().toList()) {
            requireReadable("--admin-tls-cert", file);
        }
        for (Path file : tlsKey.stream().toList()) {
            requireReadable("--admin-tls-key", file);
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("--max-upload-mib: must be at least 1");
        }
    }

    public boolean tls() {
        return tlsCertificate.isPresent();
    }

    private static void requireReadable(String option, Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is not a readable file");
        }
    }
}
