package dev.edgefaas.function;

import java.util.ArrayList;
import java.util.List;

/**
 * How an instance is started and known to be ready, for apps that were not written for
 * edgefaas: the command that replaces the entry point, the arguments after it, the port the app
 * listens on when it is fixed, and the readiness check. In {@code command} and {@code args},
 * {@code {callback}}, {@code {port}} and {@code {host}} stand for the readiness URL, the port and
 * the address to listen on, filled in per instance.
 *
 * @param command   replaces the runtime's launch of the entry point; empty keeps it. Runs in the
 *                  artifact's directory ({@code /app} in a container or VM)
 * @param args      appended to the command
 * @param port      the port the app listens on; 0 when it takes {@code $PORT}
 * @param readiness how readiness is told
 * @param workdir   where the command runs, an absolute path inside the root file system; empty for the sandbox's default
 * @param user      {@code uid[:gid]} the command runs as in a container; empty for {@code nobody}
 */
public record LaunchSpec(List<String> command, List<String> args, int port, ReadinessCheck readiness, String workdir,
                         String user) {
    /** Today's contract: the entry point, {@code $PORT}, a callback. */
    public static final LaunchSpec CONTRACT = new LaunchSpec(List.of(), List.of(), 0, ReadinessCheck.CALLBACK, "", "");

    public LaunchSpec {
        command = List.copyOf(command);
        args = List.copyOf(args);
        if (port < 0 || port > 65_535) {
            throw new ManifestException("port", "must be from 1 to 65535, got " + port);
        }
        if (!workdir.isEmpty() && !workdir.startsWith("/")) {
            throw new ManifestException("workdir", "must be an absolute path inside the root file system, got '" + workdir + "'");
        }
        if (!user.isEmpty() && !user.matches("\\d{1,10}(:\\d{1,10})?")) {
            throw new ManifestException("user", "must be uid or uid:gid (numbers), got '" + user + "'");
        }
    }

    /** The instance's argv before expansion: {@code command} (or {@code entryPointLaunch}), then {@code args}. */
    public List<String> argv(List<String> entryPointLaunch) {
        List<String> argv = new ArrayList<>(command.isEmpty() ? entryPointLaunch : command);
        argv.addAll(args);
        return argv;
    }

    /** Whether the app is told the readiness URL on its command line ({@code {callback}}), so must be able to reach it. */
    public boolean passesCallbackUrl() {
        return argv(List.of()).stream().anyMatch(argument -> argument.contains("{callback}"));
    }

    /** Whether the command is the manifest's own rather than the runtime's launch of the entry point. */
    public boolean ownCommand() {
        return !command.isEmpty();
    }

    /** Whether anything differs from the edgefaas contract's launch (entry point, {@code $PORT}). */
    public boolean overridesLaunch() {
        return ownCommand() || !args.isEmpty() || port != 0 || !workdir.isEmpty() || !user.isEmpty();
    }

    /** Where the command runs: {@link #workdir}, else {@code ownCommandDefault} for a command of the manifest's own, else {@code otherwise}. */
    public String workdirOr(String ownCommandDefault, String otherwise) {
        return !workdir.isEmpty() ? workdir : ownCommand() ? ownCommandDefault : otherwise;
    }

    /** The port an instance listens on: the manifest's fixed one, else {@code chosen}. */
    public int portOr(int chosen) {
        return port != 0 ? port : chosen;
    }

    /**
     * {@code argv} with the placeholders of one instance filled in; any other text in braces is
     * left as it is.
     *
     * @param callbackUrl null where the sandbox gives no callback URL: {@code {callback}} then stays as written
     */
    public static List<String> expand(List<String> argv, String callbackUrl, int port, String host) {
        List<String> expanded = new ArrayList<>(argv.size());
        for (String argument : argv) {
            String value = argument.replace("{port}", Integer.toString(port)).replace("{host}", host);
            expanded.add(callbackUrl == null ? value : value.replace("{callback}", callbackUrl));
        }
        return expanded;
    }
}
