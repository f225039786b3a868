package io.apexvoice.gateway.simulator.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apexvoice.gateway.intake.TwilioSignature;
import io.apexvoice.gateway.intake.Twiml;
import io.apexvoice.gateway.media.MuLaw;
import io.apexvoice.gateway.simulator.speech.SpeechAudio;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Plays the gateway's role for call simulator tests: answers {@code /twilio/{tenant}/voice} with TwiML after checking
 * {@code X-Twilio-Signature} with {@link TwilioSignature#isValid} (403 otherwise), records signed status callbacks
 * and asynchronous answering machine detection callbacks ({@code /twilio/{tenant}/amd}),
 * and serves {@code /twilio/media}: records every message Twilio's side sends and plays a scriptable agent (greeting
 * frames + mark on {@code start}, a reply + mark after each decoded caller utterance, {@code clear} on barge-in).
 */
public final class FakeGateway implements AutoCloseable {

    public static final String PUBLIC_BASE = "https://gw.example.com";
    public static final String TOKEN = "fake-gateway-auth-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the fake agent behaves on each media connection. */
    public record Agent(int greetingFrames, int replyFrames, long replyDelayMs, boolean clearOnBargeIn,
            boolean closeAfterStart) {
        public static Agent silent() {
            return new Agent(0, 0, 0, false, false);
        }

        public static Agent greeting(int frames) {
            return new Agent(frames, 0, 0, false, false);
        }

        public Agent replying(int frames, long delayMs) {
            return new Agent(greetingFrames, frames, delayMs, clearOnBargeIn, closeAfterStart);
        }

        public Agent clearingOnBargeIn() {
            return new Agent(greetingFrames, replyFrames, replyDelayMs, true, closeAfterStart);
        }

        public Agent closingAfterStart() {
            return new Agent(greetingFrames, replyFrames, replyDelayMs, clearOnBargeIn, true);
        }
    }

    public final List<Map<String, String>> voiceWebhooks = new CopyOnWriteArrayList<>();
    public final List<Map<String, String>> statusCallbacks = new CopyOnWriteArrayList<>();
    public final List<Map<String, String>> amdCallbacks = new CopyOnWriteArrayList<>();
    public final List<MediaConnection> connections = new CopyOnWriteArrayList<>();
    public volatile BiFunction<String, Map<String, String>, String> twiml = this::connectStream;
    public volatile Agent agent = Agent.silent();
    public volatile int rejectedSignatures;
    /** The base URL webhook signatures are checked against (the gateway's PUBLIC_BASE_URL). */
    public volatile String publicBase = PUBLIC_BASE;

    private final Vertx vertx;
    private final HttpServer server;

    public FakeGateway(Vertx vertx) {
        this.vertx = vertx;
        Router router = Router.router(vertx);
        router.route("/twilio/*").handler(BodyHandler.create());
        router.post("/twilio/:tenant/voice").handler(ctx -> {
            Map<String, String> form = signedForm(ctx);
            if (form != null) {
                voiceWebhooks.add(form);
                ctx.response().putHeader("Content-Type", Twiml.CONTENT_TYPE)
                        .end(twiml.apply(ctx.pathParam("tenant"), form));
            }
        });
        router.post("/twilio/:tenant/status").handler(ctx -> recordSigned(ctx, statusCallbacks));
        router.post("/twilio/:tenant/amd").handler(ctx -> recordSigned(ctx, amdCallbacks));
        try {
            server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .webSocketHandler(this::media).requestHandler(router).listen()
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake gateway did not start", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public String mediaUrl() {
        return "ws://127.0.0.1:" + port() + "/twilio/media";
    }

    /** The gateway's normal answer: a stream to this fake with parameters tenant and token. */
    public String connectStream(String tenant, Map<String, String> form) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("tenant", tenant);
        parameters.put("token", "tok-" + form.get("CallSid"));
        return Twiml.connectStream(mediaUrl(), parameters, "Sorry, please call again.", "en-US");
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake gateway did not close", e);
        }
    }

    /** Records a signed callback's form in {@code into} and answers 204. */
    private void recordSigned(RoutingContext ctx, List<Map<String, String>> into) {
        Map<String, String> form = signedForm(ctx);
        if (form != null) {
            into.add(form);
            ctx.response().setStatusCode(204).end();
        }
    }

    private Map<String, String> signedForm(RoutingContext ctx) {
        MultiMap attributes = ctx.request().formAttributes();
        Map<String, List<String>> params = new LinkedHashMap<>();
        Map<String, String> form = new LinkedHashMap<>();
        attributes.names().forEach(name -> {
            params.put(name, attributes.getAll(name));
            form.put(name, attributes.get(name));
        });
        if (!TwilioSignature.isValid(TOKEN, publicBase + ctx.request().uri(), params,
                ctx.request().getHeader("X-Twilio-Signature"))) {
            rejectedSignatures++;
            ctx.response().setStatusCode(403).end("invalid signature");
            return null;
        }
        return form;
    }

    private void media(ServerWebSocket socket) {
        if (!socket.path().equals("/twilio/media")) {
            socket.reject(404);
            return;
        }
        boolean signed = TwilioSignature.isValid(TOKEN, mediaUrl(), Map.of(),
                socket.headers().get("X-Twilio-Signature"));
        connections.add(new MediaConnection(socket, signed, agent));
    }

    /** One media stream as the gateway sees it. */
    public final class MediaConnection {
        public final boolean upgradeSigned;
        public final List<JsonNode> received = new CopyOnWriteArrayList<>();
        public final List<Long> receivedAt = new CopyOnWriteArrayList<>();
        public final Map<String, Long> markSentAt = new java.util.concurrent.ConcurrentHashMap<>();
        public final Map<String, Long> markEchoedAt = new java.util.concurrent.ConcurrentHashMap<>();
        public final List<String> echoOrder = new CopyOnWriteArrayList<>();
        public final SpeechAudio.Decoder decoder = new SpeechAudio.Decoder();
        public volatile long clearSentAt = -1;
        public volatile int voicedFramesWhileAgentPending;
        public volatile boolean closed;
        private final ServerWebSocket socket;
        private final Agent behaviour;
        private final List<String> pendingMarks = new CopyOnWriteArrayList<>();
        private volatile String streamSid;
        private int utterances;
        private boolean wasInMessage;

        MediaConnection(ServerWebSocket socket, boolean upgradeSigned, Agent behaviour) {
            this.socket = socket;
            this.upgradeSigned = upgradeSigned;
            this.behaviour = behaviour;
            socket.textMessageHandler(this::onMessage);
            socket.closeHandler(v -> closed = true);
        }

        public List<JsonNode> events(String event) {
            return received.stream().filter(m -> m.path("event").asText().equals(event)).toList();
        }

        public String streamSid() {
            return streamSid;
        }

        /** Sends {@code frames} 20 ms frames of a tone, then a mark named {@code mark} (null: none). */
        public void play(int frames, String mark) {
            byte[] frame = tone();
            for (int i = 0; i < frames; i++) {
                send("{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"payload\":\""
                        + Base64.getEncoder().encodeToString(frame) + "\"}}");
            }
            if (mark != null) {
                markSentAt.put(mark, System.nanoTime());
                pendingMarks.add(mark);
                send("{\"event\":\"mark\",\"streamSid\":\"" + streamSid + "\",\"mark\":{\"name\":\"" + mark + "\"}}");
            }
        }

        public void clear() {
            clearSentAt = System.nanoTime();
            send("{\"event\":\"clear\",\"streamSid\":\"" + streamSid + "\"}");
        }

        public void send(String text) {
            socket.writeTextMessage(text);
        }

        private void onMessage(String text) {
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (Exception e) {
                throw new IllegalStateException("simulator sent invalid JSON: " + text, e);
            }
            received.add(message);
            receivedAt.add(System.nanoTime());
            switch (message.path("event").asText()) {
                case "start" -> onStart(message);
                case "media" -> onCallerFrame(Base64.getDecoder().decode(message.path("media").path("payload")
                        .asText()));
                case "mark" -> {
                    String name = message.path("mark").path("name").asText();
                    markEchoedAt.put(name, System.nanoTime());
                    echoOrder.add(name);
                    pendingMarks.remove(name);
                }
                default -> {
                }
            }
        }

        private void onStart(JsonNode message) {
            streamSid = message.path("streamSid").asText();
            if (behaviour.closeAfterStart()) {
                socket.close((short) 1008, "policy violation");
                return;
            }
            if (behaviour.greetingFrames() > 0) {
                play(behaviour.greetingFrames(), "greeting");
            }
        }

        private void onCallerFrame(byte[] audio) {
            if (!pendingMarks.isEmpty() && MuLaw.rms(audio, 0, audio.length) > 500) {
                voicedFramesWhileAgentPending++;
            }
            decoder.feed(audio);
            boolean inMessage = decoder.inMessage();
            if (inMessage && !wasInMessage && behaviour.clearOnBargeIn() && !pendingMarks.isEmpty()) {
                clear();
            }
            if (!inMessage && wasInMessage && decoder.complete() && behaviour.replyFrames() > 0) {
                int reply = ++utterances;
                vertx.setTimer(Math.max(1, behaviour.replyDelayMs()),
                        id -> play(behaviour.replyFrames(), "reply-" + reply));
            }
            wasInMessage = inMessage;
        }

        private byte[] tone() {
            byte[] frame = new byte[MuLaw.FRAME_BYTES];
            for (int i = 0; i < frame.length; i++) {
                frame[i] = MuLaw.encode((int) (6000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
            }
            return frame;
        }
    }
}
