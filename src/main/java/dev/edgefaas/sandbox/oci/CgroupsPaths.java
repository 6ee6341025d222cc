package dev.edgefaas.sandbox.oci;

import dev.edgefaas.host.cgroup.CgroupLayout;

/** Where an instance's cgroups are: the instance's own group, and the container's group inside it. */
final class CgroupsPaths {
    private CgroupsPaths() {
    }

    /** The container's group, relative to a hierarchy root: {@code edgefaas/<instance>/container}. */
    static String container(String instanceId) {
        return CgroupLayout.PARENT + "/" + instanceId + "/container";
    }
}
