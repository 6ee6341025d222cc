package dev.edgefaas.bench.experiment;

/**
 * How an experiment's instances start: on a sandbox that restores snapshots, each measurement is
 * made both ways in the same run, booted ({@code "snapshot": "off"}) and restored (the default),
 * told apart by a {@code start=} item in the row's parameter; elsewhere the one way there is.
 */
enum StartMode {
    ONLY("", ""),
    BOOT("start=boot", "\"snapshot\": \"off\""),
    RESTORE("start=restore", "\"snapshot\": \"auto\"");

    private final String item;
    private final String manifestMember;

    StartMode(String item, String manifestMember) {
        this.item = item;
        this.manifestMember = manifestMember;
    }

    /** {@code parameter} with this mode's item before it, e.g. {@code start=restore;n=10}. */
    String parameter(String parameter) {
        return item.isEmpty() ? parameter : parameter.isEmpty() ? item : item + ";" + parameter;
    }

    /** Manifest {@code members} with this mode's, for a sample's overrides. */
    String manifest(String members) {
        return manifestMember.isEmpty() ? members : members.isEmpty() ? manifestMember : members + ", " + manifestMember;
    }

    /** A short name for progress lines. */
    String label() {
        return item.isEmpty() ? "" : " " + item.substring("start=".length());
    }
}
