package dev.edgefaas.cli;

import dev.edgefaas.admin.AdminToken;
import dev.edgefaas.store.FunctionStore;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --admin} and {@code --token} options of commands that talk to a running platform. */
final class AdminOption {
    @Option(names = "--admin", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081/",
            description = "Management API of the running platform (default: ${DEFAULT-VALUE}).")
    URI admin;
    @Option(names = "--token", paramLabel = "TOKEN",
            description = {"The node's management token (default: $EDGEFAAS_TOKEN, else the admin-token file in this",
                "host's data directory, which the CLI can read as root)."})
    String token;

    AdminClient client() {
        return new AdminClient(admin.toString().endsWith("/") ? admin : URI.create(admin + "/"), token());
    }

    private Optional<String> token() {
        if (token != null) {
            return Optional.of(token);
        }
        String fromEnvironment = System.getenv("EDGEFAAS_TOKEN");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(fromEnvironment.strip());
        }
        return AdminToken.read(FunctionStore.defaultRoot().resolve(AdminToken.FILE_NAME));
    }
}
