package io.apexvoice.gateway.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP basic auth on the management surface ({@code /actuator/**}: Jolokia, Hawtio, metrics, routes) when
 * {@code MANAGEMENT_USER} is set, in every profile. Health probes ({@code /health}, {@code /health/live},
 * {@code /actuator/health/**}) and {@code /actuator/prometheus} stay open for Kubernetes and Prometheus.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ManagementAuthFilter extends OncePerRequestFilter {

    private final ManagementAuthProperties properties;

    ManagementAuthFilter(ManagementAuthProperties properties) {
        this.properties = properties;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !properties.enabled()
                || !path.startsWith("/actuator")
                || path.equals("/actuator/prometheus")
                || path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (authorized(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Basic realm=\"apex-management\"");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("authentication required");
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = (properties.user() + ":" + (properties.password() == null ? "" : properties.password()))
                .getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }
}
