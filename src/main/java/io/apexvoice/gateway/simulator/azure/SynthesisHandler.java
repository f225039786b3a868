package io.apexvoice.gateway.simulator.azure;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /cognitiveservices/v1}, in the order a request meets the checks (PROTOCOLS §6):
 * <ol>
 *   <li>{@code Ocp-Apim-Subscription-Key: <apiKey>}, or {@code Authorization: Bearer <bearerToken>} when a token
 *       is configured → else 401 (Azure's JSON "Access denied" body)</li>
 *   <li>{@code Content-Type: application/ssml+xml} (parameters allowed) → else 415</li>
 *   <li>{@code X-Microsoft-OutputFormat}: {@link OutputFormats#problem} → 400</li>
 *   <li>{@code User-Agent} present and under 255 characters → else 400</li>
 *   <li>{@link SsmlParser} → 400</li>
 *   <li>an injected failure ({@code failNextWithStatus} while {@code failNextCount} &gt; 0) → that status, with
 *       {@code Retry-After: retryAfterSeconds} on a 429</li>
 *   <li>200: {@link ToneRenderer} audio streamed by {@link AudioStreamer}, {@code Content-Type: audio/basic}</li>
 * </ol>
 * 4xx bodies other than 401 are a plain-text reason (Azure's own are often empty); every response carries
 * {@code X-RequestId}.
 */
final class SynthesisHandler implements Handler<RoutingContext> {

    private static final String ACCESS_DENIED = "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to "
            + "invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active "
            + "subscription and use a correct regional API endpoint for your resource.\"}}";

    private final AzureTtsSimulator simulator;
    private final AzureStats stats;

    SynthesisHandler(AzureTtsSimulator simulator, AzureStats stats) {
        this.simulator = simulator;
        this.stats = stats;
    }

    @Override
    public void handle(RoutingContext ctx) {
        AzureTtsSimulator.Settings settings = simulator.settings();
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        response.putHeader("X-RequestId", UUID.randomUUID().toString().replace("-", ""));
        if (!authorised(request, settings)) {
            fail(response, 401, "application/json", ACCESS_DENIED);
            return;
        }
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.split(";")[0].strip().equalsIgnoreCase("application/ssml+xml")) {
            fail(response, 415, "text/plain; charset=utf-8", "Content-Type must be application/ssml+xml.");
            return;
        }
        String formatProblem = OutputFormats.problem(request.getHeader("X-Microsoft-OutputFormat"));
        if (formatProblem != null) {
            fail(response, 400, "text/plain; charset=utf-8", formatProblem);
            return;
        }
        String userAgent = request.getHeader("User-Agent");
        if (userAgent == null || userAgent.isBlank() || userAgent.length() >= 255) {
            fail(response, 400, "text/plain; charset=utf-8", "A User-Agent header under 255 characters is required.");
            return;
        }
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String ssmlText = new String(body, StandardCharsets.UTF_8);
        SsmlParser.Ssml ssml;
        try {
            ssml = SsmlParser.parse(body, Set.copyOf(settings.knownVoices()));
        } catch (SsmlParser.Invalid e) {
            stats.ssmlRefused(ssmlText, 400);
            answer(response, 400, "text/plain; charset=utf-8", e.getMessage());
            return;
        }
        int injected = takeInjectedFailure();
        if (injected != 0) {
            if (injected == 429) {
                response.putHeader("Retry-After", String.valueOf(settings.retryAfterSeconds()));
            }
            stats.ssmlRefused(ssmlText, injected);
            answer(response, injected, "application/json",
                    "{\"error\":{\"code\":\"" + injected + "\",\"message\":\"Injected failure by the simulator.\"}}");
            return;
        }
        byte[] audio = ToneRenderer.render(ssml);
        stats.synthesis(ssmlText, ssml.text(), ssml.segments().stream().mapToInt(s -> s.text().length()).sum());
        response.setStatusCode(200).putHeader("Content-Type", OutputFormats.RENDERED_CONTENT_TYPE);
        new AudioStreamer(simulator.vertx(), request, stats, audio, new AudioStreamer.Plan(settings.firstByteDelayMs(),
                settings.chunkBytes(), settings.chunkIntervalMs(), settings.dropAfterBytes())).start();
    }

    private void fail(HttpServerResponse response, int status, String contentType, String body) {
        stats.status(status);
        answer(response, status, contentType, body);
    }

    private static void answer(HttpServerResponse response, int status, String contentType, String body) {
        response.setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    }

    /** Serves one injected failure, if any is left: returns its status (0 = none) and counts it down. */
    private int takeInjectedFailure() {
        AtomicInteger status = new AtomicInteger();
        simulator.configure(s -> {
            boolean due = s.failNextWithStatus() != 0 && s.failNextCount() > 0;
            status.set(due ? s.failNextWithStatus() : 0);
            return due ? s.withFailNext(s.failNextWithStatus(), s.failNextCount() - 1) : s;
        });
        return status.get();
    }

    private static boolean authorised(HttpServerRequest request, AzureTtsSimulator.Settings settings) {
        if (settings.apiKey().equals(request.getHeader("Ocp-Apim-Subscription-Key"))) {
            return true;
        }
        String authorization = request.getHeader("Authorization");
        return !settings.bearerToken().isEmpty() && authorization != null
                && authorization.equals("Bearer " + settings.bearerToken());
    }
}
