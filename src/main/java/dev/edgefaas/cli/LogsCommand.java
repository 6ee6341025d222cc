package dev.edgefaas.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Prints what a function's instances printed, each line with its time (UTC) and instance;",
            "kept per function across restarts of the node, the oldest lines rotated away."})
final class LogsCommand implements Callable<Integer> {
    @Mixin
    AdminOption admin;
    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;
    @Option(names = {"-f", "--follow"}, description = "Keep printing lines as they come, until interrupted.")
    boolean follow;
    @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "100",
            description = "How many of the last lines to print first (default: ${DEFAULT-VALUE}, at most 10000).")
    int tail;
    @Option(names = "--instance", paramLabel = "ID", description = "Only the lines of this instance.")
    String instance;

    @Override
    public Integer call() throws Exception {
        String path = "api/functions/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/logs?tail=" + tail
                + (follow ? "&follow=true" : "")
                + (instance != null ? "&instance=" + URLEncoder.encode(instance, StandardCharsets.UTF_8) : "");
        admin.client().copyText(path, System.out);
        return 0;
    }
}
