package io.apexvoice.gateway.config;

import io.apexvoice.gateway.simulator.RunningSimulators;
import io.apexvoice.gateway.simulator.SimulatorServer;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** One log line, once started, saying where the gateway listens and what it runs. */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final PublicEndpoints endpoints;
    private final Roles roles;
    private final Environment environment;
    private final ObjectProvider<RunningSimulators> simulators;

    StartupReport(PublicEndpoints endpoints, Roles roles, Environment environment,
            ObjectProvider<RunningSimulators> simulators) {
        this.endpoints = endpoints;
        this.roles = roles;
        this.environment = environment;
        this.simulators = simulators;
    }

    @EventListener
    void onReady(ApplicationReadyEvent event) {
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : -1;
        log.info("Apex Voice Gateway ready: profiles={} roles={} http=http://127.0.0.1:{} public={} media={} "
                        + "health=http://127.0.0.1:{}/health",
                String.join(",", environment.getActiveProfiles().length == 0
                        ? environment.getDefaultProfiles() : environment.getActiveProfiles()),
                new TreeSet<>(roles.roles()), port, endpoints.baseUrl(), endpoints.mediaStreamUrl(), port);
        simulators.ifAvailable(running -> log.info("Provider simulators (loopback, control API at /__control/*): {}",
                running.all().stream().map(s -> s.name() + "=" + s.baseUri())
                        .collect(Collectors.joining(" "))));
    }
}
