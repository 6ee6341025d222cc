package dev.edgefaas.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What an OCI image's configuration says about running it (the image spec's {@code config}
 * object): what to run, with which environment, where, as whom, and on which ports.
 *
 * @param entrypoint   {@code Entrypoint}; may be empty
 * @param cmd          {@code Cmd}: the arguments after the entry point, or the whole command without one
 * @param env          {@code Env}, {@code KEY=VALUE} each
 * @param workingDir   {@code WorkingDir}; empty for {@code /}
 * @param user         {@code User}: {@code uid[:gid]} or a name; empty for the image's default
 * @param exposedPorts the TCP ports of {@code ExposedPorts}, in order
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                          List<Integer> exposedPorts) {
    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        exposedPorts = List.copyOf(exposedPorts);
    }

    /** Reads the {@code config} member of an image configuration blob. */
    public static ImageConfig of(JsonNode blob) {
        JsonNode config = blob.path("config");
        List<Integer> ports = new ArrayList<>();
        config.path("ExposedPorts").properties().forEach(entry -> {
            String port = entry.getKey();
            String[] parts = port.split("/");
            if ((parts.length == 1 || parts[1].equals("tcp")) && parts[0].matches("\\d{1,5}")) {
                ports.add(Integer.parseInt(parts[0]));
            }
        });
        return new ImageConfig(strings(config.path("Entrypoint")), strings(config.path("Cmd")), strings(config.path("Env")),
                config.path("WorkingDir").asText(""), config.path("User").asText(""), ports);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(element -> values.add(element.asText()));
        return values;
    }
}
