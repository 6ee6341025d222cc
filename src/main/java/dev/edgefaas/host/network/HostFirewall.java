package dev.edgefaas.host.network;

import java.util.List;

/**
 * Keeps instances in network namespaces away from the host: packets arriving on their links
 * ({@code ef*} interfaces) may only answer connections the host opened (the gateway's requests)
 * or open the callback port. Nothing else on the host, the management API included, is reachable.
 */
final class HostFirewall {
    static final String CHAIN = "EDGEFAAS-IN";
    private static final List<String> JUMP = List.of("INPUT", "-i", NamespacePool.INTERFACE_PREFIX + "+", "-j", CHAIN);

    private HostFirewall() {
    }

    /** Installs (or replaces) the rules, allowing new connections only to {@code callbackPort}. Idempotent. */
    static void install(int callbackPort) {
        IpCommand.runQuietly(List.of("iptables", "-w", "-N", CHAIN));
        IpCommand.run(List.of("iptables", "-w", "-F", CHAIN), "");
        IpCommand.run(List.of("iptables", "-w", "-A", CHAIN, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED",
                "-j", "ACCEPT"), "");
        IpCommand.run(List.of("iptables", "-w", "-A", CHAIN, "-p", "tcp", "--dport", Integer.toString(callbackPort),
                "-j", "ACCEPT"), "");
        IpCommand.run(List.of("iptables", "-w", "-A", CHAIN, "-j", "DROP"), "");
        if (!ruleExists(JUMP)) {
            IpCommand.run(concat("-I", JUMP), "");
        }
    }

    /** Removes the rules. Idempotent. */
    static void remove() {
        while (ruleExists(JUMP)) {
            IpCommand.run(concat("-D", JUMP), "");
        }
        IpCommand.runQuietly(List.of("iptables", "-w", "-F", CHAIN));
        IpCommand.runQuietly(List.of("iptables", "-w", "-X", CHAIN));
    }

    private static List<String> concat(String action, List<String> rule) {
        List<String> command = new java.util.ArrayList<>(List.of("iptables", "-w", action));
        command.addAll(rule);
        return command;
    }

    /** {@code iptables -C}: whether a rule exists. */
    private static boolean ruleExists(List<String> rule) {
        try {
            return IpCommand.run(concat("-C", rule), "");
        } catch (NetworkException e) {
            return false;
        }
    }
}
