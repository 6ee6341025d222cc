package dev.edgefaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "instances", mixinStandardHelpOptions = true, description = "Lists the running instances.")
final class InstancesCommand implements Callable<Integer> {
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        JsonNode instances = admin.client().send("GET", "api/instances", null);
        Table table = new Table("ID", "FUNCTION", "SANDBOX", "STATE", "ENDPOINT", "PID", "COLD START", "IN FLIGHT");
        for (JsonNode i : instances) {
            table.row(i.path("id").asText(), i.path("function").asText(), i.path("sandbox").asText(),
                    i.path("state").asText(), i.path("endpoint").asText("-"), i.path("pid").asText("-"),
                    i.path("cold-start-ms").isNumber() ? String.format("%.1f ms", i.path("cold-start-ms").asDouble()) : "-",
                    i.path("in-flight").asText());
        }
        table.print(System.out);
        return 0;
    }
}
