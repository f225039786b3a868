package io.apexvoice.gateway.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP basic auth on the management surface ({@code /actuator/**}: Jolokia, Hawtio, metrics, routes) when
 * {@code MANAGEMENT_USER} is set, in every profile. Without credentials the surface is open in the {@code local}
 * profile only (a developer's machine); in any other profile it is locked (403), since Jolokia can suspend routes and
 * change limits ({@code prod} refuses to start without them). Health probes ({@code /health}, {@code /health/live},
 * {@code /actuator/health/**}) and {@code /actuator/prometheus} stay open for Kubernetes and Prometheus.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ManagementAuthFilter extends OncePerRequestFilter {

    private final ManagementAuthProperties properties;
    private final boolean openWithoutCredentials;

    ManagementAuthFilter(ManagementAuthProperties properties, Environment environment) {
        this.properties = properties;
        this.openWithoutCredentials = environment.acceptsProfiles(Profiles.of("local"));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return (!properties.enabled() && openWithoutCredentials)
                || !path.startsWith("/actuator")
                || path.equals("/actuator/prometheus")
                || path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!properties.enabled()) {
            response.setStatus(403);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("management locked: set MANAGEMENT_USER and MANAGEMENT_PASSWORD");
            return;
        }
        if (BasicCredentials.matches(request.getHeader("Authorization"), properties.user(),
                properties.password() == null ? "" : properties.password())) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Basic realm=\"apex-management\"");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("authentication required");
    }
}
