package dev.edgefaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploys (or replaces) a function from a JSON manifest file.")
final class DeployCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The manifest; a relative artifact path is relative to the file.")
    Path file;
    @Option(names = "--name", description = "Function name (default: the manifest's name, else the file name).")
    String name;
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() throws Exception {
        JsonNode manifest = AdminClient.JSON.readTree(Files.readString(file));
        if (!(manifest instanceof ObjectNode object)) {
            System.err.println(file + " is not a JSON object manifest");
            return 2;
        }
        String functionName = name != null ? name
                : object.has("name") ? object.get("name").asText()
                : file.getFileName().toString().replaceAll("\\.json$", "");
        if (name != null) {
            object.remove("name");
        }
        if (object.has("artifact")) {
            Path base = file.toAbsolutePath().getParent();
            object.put("artifact", base.resolve(object.get("artifact").asText()).normalize().toString());
        }
        JsonNode deployed = admin.client().send("PUT", "api/functions/" + functionName, object.toString());
        System.out.println("deployed " + functionName + " (" + deployed.path("runtime").asText() + " on "
                + deployed.path("sandbox").asText() + ")");
        return 0;
    }
}
