package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test-side Groq client over {@link HttpClient}: plain and streamed completions, SSE split into events. */
final class GroqClient {

    static final String KEY = GroqSimulator.Settings.defaults().apiKey();
    static final ObjectMapper JSON = new ObjectMapper();

    /** One server-sent event: its {@code event:} name (null when absent) and its {@code data:} payload. */
    record Event(String name, String data) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI completions;

    GroqClient(URI baseUri) {
        this.completions = baseUri.resolve("/openai/v1/chat/completions");
    }

    /** A user turn after a short system prompt, as the gateway sends it. */
    static String body(String userText, boolean stream, String extraFields) {
        return "{\"model\":\"llama-3.3-70b-versatile\",\"stream\":" + stream + extraFields + ",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are a booking agent for Bella's. Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"" + userText + "\"}]}";
    }

    HttpRequest.Builder request(String body, String key) {
        return HttpRequest.newBuilder(completions)
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    HttpResponse<String> post(String body) throws Exception {
        return post(body, KEY);
    }

    HttpResponse<String> post(String body, String key) throws Exception {
        return http.send(request(body, key).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws Exception {
        return http.send(request, handler);
    }

    /** Posts a streamed request and reads the whole SSE body into events. */
    List<Event> stream(String body) throws Exception {
        HttpResponse<Stream<String>> response = http.send(request(body, KEY).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.statusCode());
        }
        try (Stream<String> lines = response.body()) {
            return events(lines.toList());
        }
    }

    static List<Event> events(List<String> lines) {
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = null;
        for (String line : lines) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(6));
            } else if (line.isEmpty() && data != null) {
                events.add(new Event(name, data.toString()));
                name = null;
                data = null;
            }
        }
        if (data != null) {
            events.add(new Event(name, data.toString()));
        }
        return events;
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
