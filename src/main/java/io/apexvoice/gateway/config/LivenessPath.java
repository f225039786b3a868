package io.apexvoice.gateway.config;

import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health/live}: the liveness group (SPEC §8). Readiness is {@code /health} (an additional path of the
 * readiness group); Boot only allows one-segment additional paths, hence this mapping.
 */
@RestController
class LivenessPath {

    private final HealthEndpoint health;

    LivenessPath(HealthEndpoint health) {
        this.health = health;
    }

    @GetMapping(path = "/health/live", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<HealthComponent> live() {
        HealthComponent liveness = health.healthForPath("liveness");
        boolean up = liveness != null && Status.UP.equals(liveness.getStatus());
        return ResponseEntity.status(up ? 200 : 503).body(liveness);
    }
}
