package io.apexvoice.gateway.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;

/**
 * Jolokia requests over real HTTP with basic auth, as an operator scripts them (README "Management"): POST
 * {@code /actuator/jolokia} with a JSON request; the answer's own {@code status} says the outcome.
 */
public final class Jolokia {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayTestClient client;
    private final Map<String, String> auth;

    public Jolokia(GatewayTestClient client, String user, String password) {
        this.client = client;
        this.auth = basicAuth(user, password);
    }

    /** The {@code Authorization} header of basic auth. */
    public static Map<String, String> basicAuth(String user, String password) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return Map.of("Authorization", "Basic " + basic);
    }

    /** The Camel route MBean of {@code camel} (its management name may carry a counter in tests). */
    public static String route(CamelContext camel, String routeId) {
        return "org.apache.camel:context=" + camel.getManagementName() + ",type=routes,name=\"" + routeId + "\"";
    }

    /** An attribute's value; fails the test unless Jolokia answers with status 200. */
    public JsonNode read(String mbean, String attribute) {
        JsonNode response = request(Map.of("type", "read", "mbean", mbean, "attribute", attribute));
        assertThat(response.path("status").asInt()).as(response.toString()).isEqualTo(200);
        return response.path("value");
    }

    /** The whole answer to an operation (its {@code status} may be an error). */
    public JsonNode exec(String mbean, String operation, Object... arguments) {
        return request(Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments",
                List.of(arguments)));
    }

    public JsonNode request(Map<String, Object> request) {
        try {
            HttpResponse<String> response = client.post("/actuator/jolokia", JSON.writeValueAsString(request),
                    "application/json", auth);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
