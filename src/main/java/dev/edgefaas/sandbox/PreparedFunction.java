package dev.edgefaas.sandbox;

/** A function readied by {@link SandboxBackend#prepare}; starts its instances. */
public interface PreparedFunction extends AutoCloseable {

    /**
     * Starts one instance and returns it only once it has called back ready.
     *
     * @throws SandboxException if it exits, fails its limits or does not call back in time; the
     *                          message holds the diagnosis and nothing of the instance is left
     */
    SandboxInstance start(InstanceRequest request);

    /** Frees what {@link SandboxBackend#prepare} built. Instances must be closed first. Idempotent. */
    @Override
    void close();
}
