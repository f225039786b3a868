package io.apexvoice.gateway.intake;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;

/** What the servlet layer knows of the HTTP request behind an exchange: path, query, headers, cached body. */
public final class InboundRequest {

    private InboundRequest() {
    }

    public static HttpServletRequest servlet(Exchange exchange) {
        HttpServletRequest request = exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_REQUEST,
                HttpServletRequest.class);
        if (request == null) {
            throw new IllegalStateException("route is not fed by platform-http");
        }
        return request;
    }

    public static FormBody form(Exchange exchange) {
        Object form = servlet(exchange).getAttribute(CachedBodyFilter.FORM);
        return form instanceof FormBody body ? body : FormBody.empty();
    }

    /**
     * A path segment by position, read from the request URI itself (never from headers, which a form field of
     * the same name could shadow). {@code /twilio/acme/voice} → index 1 is {@code acme}.
     */
    public static String pathSegment(Exchange exchange, int index) {
        String[] segments = servlet(exchange).getRequestURI().substring(1).split("/");
        return index < segments.length ? segments[index] : "";
    }
}
