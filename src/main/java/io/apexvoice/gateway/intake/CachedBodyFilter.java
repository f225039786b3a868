package io.apexvoice.gateway.intake;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the body of every webhook and API request once, up to a size limit (413 beyond, 400 for a malformed form),
 * and keeps the exact bytes: Twilio's signature covers the form fields as sent, so they must be decoded from the
 * raw body rather than from the servlet's merged query+form parameter map. Downstream (Camel platform-http) sees
 * a request whose stream and parameters come from the cached bytes.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class CachedBodyFilter extends OncePerRequestFilter {

    static final String RAW_BODY = "apex.rawBody";
    static final String FORM = "apex.form";

    private final HttpLimitsProperties limits;

    CachedBodyFilter(HttpLimitsProperties limits) {
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.startsWith("/twilio/") || path.startsWith("/api/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long max = (request.getRequestURI().startsWith("/twilio/") ? limits.maxWebhookBody() : limits.maxApiBody())
                .toBytes();
        if (request.getContentLengthLong() > max) {
            reject(response, 413, "request body too large");
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), max, request.getContentLengthLong());
        if (body == null) {
            reject(response, 413, "request body too large");
            return;
        }
        FormBody form = FormBody.empty();
        String contentType = request.getContentType();
        if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            try {
                form = FormBody.parse(body);
            } catch (IllegalArgumentException e) {
                reject(response, 400, "malformed form body");
                return;
            }
        }
        request.setAttribute(RAW_BODY, body);
        request.setAttribute(FORM, form);
        chain.doFilter(new CachedBodyRequest(request, body, form), response);
    }

    /** The body, or null past {@code max} bytes; sized by Content-Length when the client sent one. */
    private static byte[] readAtMost(InputStream in, long max, long declaredLength) throws IOException {
        if (declaredLength >= 0 && declaredLength <= max) {
            byte[] body = in.readNBytes((int) declaredLength);
            return in.read() == -1 ? body : null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) != -1; ) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static void reject(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(reason);
    }

    /** The original request with its body replaced by the cached bytes and its parameters by query + parsed form. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;
        private final Map<String, String[]> parameters;

        CachedBodyRequest(HttpServletRequest request, byte[] body, FormBody form) {
            super(request);
            this.body = body;
            Map<String, String[]> merged = new LinkedHashMap<>();
            String query = request.getQueryString();
            if (query != null && !query.isEmpty()) {
                try {
                    FormBody.parseQuery(query).asMap()
                            .forEach((k, v) -> merged.put(k, v.toArray(String[]::new)));
                } catch (IllegalArgumentException e) {
                    // a malformed query string contributes no parameters; the raw query stays available
                }
            }
            form.asMap().forEach((k, v) -> merged.merge(k, v.toArray(String[]::new), CachedBodyRequest::concat));
            this.parameters = Collections.unmodifiableMap(merged);
        }

        private static String[] concat(String[] a, String[] b) {
            String[] all = new String[a.length + b.length];
            System.arraycopy(a, 0, all, 0, a.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            // sized to the body: Camel reads the whole payload through it (a default reader is 16 KB per request)
            return new BufferedReader(new StringReader(new String(body, StandardCharsets.UTF_8)),
                    Math.max(1, body.length));
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(List.copyOf(parameters.keySet()));
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }
    }
}
