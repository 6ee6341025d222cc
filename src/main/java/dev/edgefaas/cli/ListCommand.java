package dev.edgefaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the deployed functions.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        JsonNode functions = admin.client().send("GET", "api/functions", null);
        Table table = new Table("NAME", "VERSION", "RUNTIME", "SANDBOX", "CONCURRENCY", "MIN", "MAX", "KEEPALIVE", "MEMORY", "VCPUS");
        for (JsonNode f : functions) {
            table.row(f.path("name").asText(), f.path("version").asText("-"), f.path("runtime").asText(), f.path("sandbox").asText(),
                    f.path("concurrency").asText(), f.path("min-instances").asText(), f.path("max-instances").asText(),
                    f.path("keepalive").asText(), f.path("memory-mib").asText() + " MiB", f.path("vcpus").asText());
        }
        table.print(System.out);
        return 0;
    }
}
