package io.apexvoice.gateway.simulator;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The simulators the local profile started, for tests, the startup report and shutdown. */
public final class RunningSimulators implements AutoCloseable {

    private final Vertx vertx;
    private final List<SimulatorServer<?>> simulators;
    private boolean closed;

    RunningSimulators(Vertx vertx, List<SimulatorServer<?>> simulators) {
        this.vertx = vertx;
        this.simulators = List.copyOf(simulators);
    }

    public List<SimulatorServer<?>> all() {
        return simulators;
    }

    /** The running simulator of a type, if the local profile started one. */
    public <T extends SimulatorServer<?>> Optional<T> find(Class<T> type) {
        return simulators.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        simulators.forEach(SimulatorServer::close);
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("simulator event loops did not stop", e);
        }
    }
}
