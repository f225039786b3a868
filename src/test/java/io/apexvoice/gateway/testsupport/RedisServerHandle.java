package io.apexvoice.gateway.testsupport;

/**
 * A Redis server a test started for itself; {@link #close()} stops it and deletes its files.
 *
 * @param url     {@code redis://host:port}
 * @param stopper stops the server and cleans up
 */
public record RedisServerHandle(String url, Runnable stopper) implements AutoCloseable {

    @Override
    public void close() {
        stopper.run();
    }
}
