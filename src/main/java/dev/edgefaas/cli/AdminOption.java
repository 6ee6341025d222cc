package dev.edgefaas.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** The {@code --admin} option of commands that talk to a running platform. */
final class AdminOption {
    @Option(names = "--admin", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081/",
            description = "Management API of the running platform (default: ${DEFAULT-VALUE}).")
    URI admin;

    AdminClient client() {
        return new AdminClient(admin.toString().endsWith("/") ? admin : URI.create(admin + "/"));
    }
}
