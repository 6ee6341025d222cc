package dev.edgefaas.host.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keeps one platform's instances in network namespaces away from the host: packets arriving on
 * its links ({@code ef<run>*} interfaces) may only answer connections the host opened (the
 * gateway's requests) or open the platform's callback port. Nothing else on the host, the
 * management API included, is reachable, and nothing is forwarded to other instances. Each platform run has a chain of its own, so runs on
 * one host never touch each other's rules.
 */
final class HostFirewall {
    private static final String CHAIN_PREFIX = "EDGEFAAS-";

    private final String chain;
    private final List<String> jump;
    /** A virtual machine's guest kernel is the tenant's: it may route through the host, so nothing is forwarded. */
    private final List<String> noForwarding;

    /** The firewall of the links whose names start with {@code interfacePrefix}. */
    HostFirewall(String interfacePrefix) {
        this.chain = CHAIN_PREFIX + interfacePrefix.toUpperCase(Locale.ROOT);
        this.jump = List.of("INPUT", "-i", interfacePrefix + "+", "-j", chain);
        this.noForwarding = List.of("FORWARD", "-i", interfacePrefix + "+", "-j", "DROP");
    }

    String chain() {
        return chain;
    }

    /** Installs the chain letting instances open only {@code callbackPort}. Idempotent. */
    void allow(int callbackPort) {
        withdraw();
        IpCommand.run(List.of("iptables", "-w", "-N", chain), "");
        IpCommand.run(command("-A", List.of(chain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT")), "");
        IpCommand.run(command("-A", List.of(chain, "-p", "tcp", "--dport", Integer.toString(callbackPort), "-j", "ACCEPT")), "");
        IpCommand.run(command("-A", List.of(chain, "-j", "DROP")), "");
        IpCommand.run(command("-I", jump), "");
        IpCommand.run(command("-I", noForwarding), "");
    }

    /** Removes the chain and the jump to it. Idempotent. */
    void withdraw() {
        for (List<String> rule : List.of(jump, noForwarding)) {
            while (exists(rule)) {
                IpCommand.run(command("-D", rule), "");
            }
        }
        IpCommand.runQuietly(List.of("iptables", "-w", "-F", chain));
        IpCommand.runQuietly(List.of("iptables", "-w", "-X", chain));
    }

    private static boolean exists(List<String> rule) {
        try {
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
