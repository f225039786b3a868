package io.apexvoice.gateway.intake;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * The HTTP headers an answer of ours may carry, for every {@code platform-http} route
 * ({@code camel.component.platform-http.header-filter-strategy}): {@code Content-Type}, {@code WWW-Authenticate},
 * {@code Retry-After}, {@code Cache-Control}, nothing else.
 * <p>Camel's platform-http turns the request's form fields and query parameters into message headers and, by default,
 * writes every message header back into the response. A webhook's {@code CallSid}, {@code From}, {@code To} and the
 * rest then went back to the caller as response headers: a waste on every answer, and a 500 instead of the right
 * answer when a field did not fit a header (a 20 KB value overflowed Tomcat's header buffer; a value with a
 * character outside ISO-8859-1, e.g. from invalid UTF-8, could not be encoded). Found by the hostile-webhook test
 * (issue 13). What comes in is filtered as before ({@link HttpHeaderFilterStrategy}).
 */
@Component("responseHeaderFilter")
public class ResponseHeaderFilter extends HttpHeaderFilterStrategy {

    private static final Set<String> ANSWER_HEADERS = Set.of("content-type", "www-authenticate", "retry-after",
            "cache-control");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !ANSWER_HEADERS.contains(headerName.toLowerCase(Locale.ROOT))
                || super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }
}
