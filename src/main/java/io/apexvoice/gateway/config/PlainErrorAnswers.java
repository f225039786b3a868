package io.apexvoice.gateway.config;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors no route answers get the same kind of answer the routes give: the status and a short plain-text reason
 * ({@code 404 not found}), never an HTML page or a JSON body that echoes the request. Two places produce them:
 * Spring's error path (no route matched the path, a method not allowed…) and Tomcat itself, which refuses some URIs
 * (an encoded {@code /} or a NUL) before any servlet runs and reports them through its host's error report valve.
 */
@RestController
public class PlainErrorAnswers implements ErrorController {

    /** Spring's error path: status from the servlet container, reason from the status. */
    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(reason(status.value()));
    }

    static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "error" : known.getReasonPhrase().toLowerCase(Locale.ROOT);
    }

    /** Tomcat's host reports errors raised before any servlet ran with {@link PlainErrorReportValve}. */
    @Component
    static class TomcatErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Host host = (Host) context.getParent();
                // present before the host starts, so the host does not add its own HTML valve
                host.getPipeline().addValve(new PlainErrorReportValve());
                if (host instanceof StandardHost standard) {
                    standard.setErrorReportValveClass(PlainErrorReportValve.class.getName());
                }
            });
        }
    }

    /** Tomcat's error report as {@code text/plain}: the status's reason only (no server name, no message). */
    public static class PlainErrorReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            try {
                response.setContentType("text/plain");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(reason(status));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response committed: nothing more to say
            }
        }
    }
}
