package dev.edgefaas.host.network;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps instances in network namespaces away from the host: packets arriving on their links
 * ({@code ef*} interfaces) may only answer connections the host opened (the gateway's requests)
 * or open a platform's callback port. Nothing else on the host, the management API included,
 * is reachable. Several platforms on one host each add and remove their own callback port.
 */
final class HostFirewall {
    static final String CHAIN = "EDGEFAAS-IN";
    private static final List<String> JUMP = List.of("INPUT", "-i", NamespacePool.INTERFACE_PREFIX + "+", "-j", CHAIN);
    private static final List<String> ANSWERS = List.of(CHAIN, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
    private static final List<String> DROP_REST = List.of(CHAIN, "-j", "DROP");

    private HostFirewall() {
    }

    /** Lets instances open connections to {@code callbackPort}, setting up the chain if needed. Idempotent. */
    static synchronized void allow(int callbackPort) {
        if (!exists(List.of(CHAIN))) {
            IpCommand.run(List.of("iptables", "-w", "-N", CHAIN), "");
        }
        if (!exists(DROP_REST)) {
            IpCommand.run(command("-A", DROP_REST), "");
        }
        if (!exists(ANSWERS)) {
            IpCommand.run(command("-I", ANSWERS), "");
        }
        List<String> callback = callbackRule(callbackPort);
        if (!exists(callback)) {
            IpCommand.run(command("-I", callback), "");
        }
        if (!exists(JUMP)) {
            IpCommand.run(command("-I", JUMP), "");
        }
    }

    /** Withdraws {@code callbackPort}; the last platform to leave removes the chain. Idempotent. */
    static synchronized void withdraw(int callbackPort) {
        while (exists(callbackRule(callbackPort))) {
            IpCommand.run(command("-D", callbackRule(callbackPort)), "");
        }
        String rules = IpCommand.output(List.of("iptables", "-w", "-S", CHAIN));
        if (rules.contains("--dport")) {
            return;
        }
        while (exists(JUMP)) {
            IpCommand.run(command("-D", JUMP), "");
        }
        IpCommand.runQuietly(List.of("iptables", "-w", "-F", CHAIN));
        IpCommand.runQuietly(List.of("iptables", "-w", "-X", CHAIN));
    }

    private static List<String> callbackRule(int port) {
        return List.of(CHAIN, "-p", "tcp", "--dport", Integer.toString(port), "-j", "ACCEPT");
    }

    private static boolean exists(List<String> rule) {
        try {
            if (rule.size() == 1) {
                IpCommand.run(List.of("iptables", "-w", "-S", rule.getFirst()), "");
                return true;
            }
            return IpCommand.run(command("-C", rule), "");
        } catch (NetworkException e) {
            return false;
        }
    }

    private static List<String> command(String action, List<String> rule) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", action));
        command.addAll(rule);
        return command;
    }
}
