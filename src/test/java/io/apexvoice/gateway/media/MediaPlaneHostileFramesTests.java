package io.apexvoice.gateway.media;

import static io.apexvoice.gateway.media.MediaPlaneFixture.connectedMessage;
import static io.apexvoice.gateway.media.MediaPlaneFixture.startMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * 10 000 hostile Media Streams messages (issue 13): mutated JSON, invalid UTF-8, huge and binary frames, bad base64,
 * events out of order, another stream's streamSid, duplicate sequence numbers, odd JSON types, 40 per socket (half of
 * the sockets carrying a call that started with a valid token). The gateway must log no error, close no stream with
 * an internal error (1011), end every call and close every socket it opened (media and STT), leave no Redis key
 * without a TTL, grow neither threads nor heap, and answer a real call normally afterwards.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class MediaPlaneHostileFramesTests {

    static final MediaPlaneFixture FIXTURE = new MediaPlaneFixture("Hi.");
    static final CallSimulator CALLER = CallSimulator.standalone();
    static final int FRAMES = 10_000;
    static final int FRAMES_PER_SOCKET = 40;
    static final int IN_PARALLEL = 25;
    /**
     * The close codes a hostile peer may see: normal, policy (forged start, malformed flood), invalid payload (UTF-8),
     * too big, and 1006: after a protocol violation (a frame over the 64 KB frame limit, invalid UTF-8) the
     * connection is closed while this peer is still writing, so its TCP stack may drop the close frame on the reset.
     * Never 1011 (internal error).
     */
    static final Set<Short> ACCEPTABLE_CLOSES = Set.of((short) 1000, (short) 1006, (short) 1007, (short) 1008,
            (short) 1009);

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stopSimulators() {
        CALLER.close();
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    MediaStreams mediaStreams;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    CallRecordStore records;
    GatewayTestClient webhooks;

    @Test
    void tenThousandHostileFramesLeaveNoCallSocketThreadOrKeyBehind() throws Exception {
        CallReport warm = normalCall();
        assertThat(warm.allCompleted()).as(warm.toText()).isTrue();
        awaitQuiet();
        webhooks = new GatewayTestClient(port, MediaPlaneFixture.PUBLIC_BASE); // one client: each has its threads
        int threadsBefore = Thread.activeCount();
        long heapBefore = liveHeap();

        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logged);
        Random random = new Random(20261206L);
        List<CallSid> started = new ArrayList<>();
        Map<Short, AtomicInteger> closes = new ConcurrentHashMap<>();
        AtomicInteger framesSent = new AtomicInteger();
        HttpClient client = FIXTURE.vertx.createHttpClient();
        try {
            while (framesSent.get() < FRAMES) { // a socket the gateway closes early gets fewer: more sockets then
                List<CompletableFuture<Void>> sockets = new ArrayList<>();
                for (int i = 0; i < IN_PARALLEL; i++) {
                    CallSid callSid = RandomIds.callSid();
                    boolean withCall = random.nextBoolean();
                    if (withCall) {
                        started.add(callSid);
                    }
                    String token = withCall ? FIXTURE.streamToken(webhooks, callSid) : null;
                    List<List<WebSocketFrame>> frames = hostileFrames(random, callSid, token);
                    sockets.add(play(client, frames, closes, framesSent));
                }
                CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
        } finally {
            client.close();
        }
        awaitQuiet();
        // a stream that never began (its start not reached before the socket closed) leaves its slot to Twilio's
        // final status callback, as every call's slot is in the end: sent here for every admitted call, as Twilio does
        long neverBegan = started.stream().filter(callSid -> records.find(TenantId.of(FIXTURE.tenant), callSid)
                .map(record -> record.endedAt() == null).orElse(true)).count();
        System.out.printf("hostile frames: %d calls admitted, %d of them never began a stream%n", started.size(),
                neverBegan);
        for (CallSid callSid : started) {
            assertThat(webhooks.postSigned(MediaPlaneFixture.AUTH_TOKEN, "/twilio/" + FIXTURE.tenant + "/status",
                    GatewayTestClient.form("CallSid", callSid.value(), "CallStatus", "completed", "SequenceNumber",
                            "4")).statusCode()).isEqualTo(204);
        }
        root.detachAppender(logged);

        assertThat(framesSent.get()).as("hostile messages written").isGreaterThanOrEqualTo(FRAMES);
        assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage).as("errors logged").isEmpty();
        assertThat(closes.keySet()).as("close codes (count per code: %s)", closes).isSubsetOf(ACCEPTABLE_CLOSES);
        assertThat(redis.opsForZSet().size(keys.activeCalls(TenantId.of(FIXTURE.tenant)))).isZero();
        for (CallSid callSid : started) {
            for (String key : redis.keys("*{" + callSid.value() + "}*")) {
                assertThat(redis.getExpire(key)).as("TTL of %s", key).isPositive();
            }
        }
        // shared pools may still grow a little (Vert.x workers, Tomcat executors); a per-socket leak adds >= 250
        assertThat(Thread.activeCount() - threadsBefore).as("threads added: %s", threadGroups()).isLessThan(60);
        assertThat(liveHeap() - heapBefore).as("live heap added (bytes)").isLessThan(32L << 20);

        CallReport after = normalCall();
        assertThat(after.allCompleted()).as("a real call afterwards: " + after.toText()).isTrue();
        assertThat(webhooks.get("/health", Map.of()).statusCode()).isEqualTo(200);
    }

    /**
     * One socket's messages (each one or more WebSocket frames): a {@code connected}, a valid {@code start} when
     * {@code token} is set, then the fuzz.
     */
    private static List<List<WebSocketFrame>> hostileFrames(Random random, CallSid callSid, String token) {
        String streamSid = "MZ" + callSid.value().substring(2);
        List<List<WebSocketFrame>> frames = new ArrayList<>();
        frames.add(text(connectedMessage()));
        if (token != null) {
            frames.add(text(startMessage(callSid, Map.of("tenant", FIXTURE.tenant, "token", token))));
        }
        long sequence = 2;
        while (frames.size() < FRAMES_PER_SOCKET) {
            String media = media(streamSid, sequence++, random);
            frames.add(switch (random.nextInt(14)) {
                case 0, 1 -> text(media);
                case 2 -> text(media.replace("\"payload\":\"", "\"payload\":\"!!not*base64"));
                case 3 -> text(mutate(media, random));
                case 4 -> text(media.substring(0, random.nextInt(media.length())));
                case 5 -> invalidUtf8(media, random);
                case 6 -> text("{\"event\":\"media\",\"pad\":\"" + "x".repeat(300 * 1024) + "\"}");
                case 7 -> binary(random);
                case 8 -> text(media(streamSid.replace('M', 'N'), sequence, random));
                case 9 -> text(media(streamSid, Math.max(1, sequence - 5), random));
                case 10 -> text(startMessage(callSid, Map.of("tenant", FIXTURE.tenant, "token", "forged")));
                case 11 -> text(oddJson(random, streamSid));
                case 12 -> text("{\"event\":\"mark\",\"streamSid\":\"" + streamSid + "\",\"sequenceNumber\":\""
                        + sequence + "\",\"mark\":{\"name\":\"" + "never-sent-" + random.nextInt() + "\"}}");
                default -> text("{\"event\":\"dtmf\",\"streamSid\":\"" + streamSid + "\",\"sequenceNumber\":\""
                        + sequence + "\",\"dtmf\":{\"track\":\"inbound_track\",\"digit\":\""
                        + "0123456789*#AZ".charAt(random.nextInt(14)) + "\"}}");
            });
        }
        return frames;
    }

    private static String oddJson(Random random, String streamSid) {
        return switch (random.nextInt(8)) {
            case 0 -> "[]";
            case 1 -> "\"media\"";
            case 2 -> "{\"event\":123}";
            case 3 -> "{\"event\":\"media\",\"media\":null,\"streamSid\":\"" + streamSid + "\"}";
            case 4 -> "{\"event\":\"media\",\"streamSid\":\"" + streamSid
                    + "\",\"sequenceNumber\":\"99999999999999999999999\",\"media\":{\"payload\":12}}";
            case 5 -> "[".repeat(5000) + "]".repeat(5000);
            case 6 -> "{\"event\":\"stop\",\"streamSid\":\"MZ" + "0".repeat(32) + "\"}";
            default -> "{\"event\":\"media\",\"streamSid\":\"" + streamSid + "\",\"media\":{\"payload\":\"\"}}";
        };
    }

    private static String media(String streamSid, long sequence, Random random) {
        byte[] audio = new byte[160];
        random.nextBytes(audio);
        return "{\"event\":\"media\",\"sequenceNumber\":\"" + sequence + "\",\"media\":{\"track\":\"inbound\","
                + "\"chunk\":\"" + sequence + "\",\"timestamp\":\"" + sequence * 20 + "\",\"payload\":\""
                + Base64.getEncoder().encodeToString(audio) + "\"},\"streamSid\":\"" + streamSid + "\"}";
    }

    private static String mutate(String json, Random random) {
        String alphabet = "{}[]\":,\\ 0a\u00e9";
        char[] chars = json.toCharArray();
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
            chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(chars);
    }

    /** A media message whose second half holds a byte that is not UTF-8 (sent as a continuation frame). */
    private static List<WebSocketFrame> invalidUtf8(String json, Random random) {
        int half = json.length() / 2;
        byte[] rest = json.substring(half).getBytes(StandardCharsets.UTF_8);
        rest[random.nextInt(rest.length)] = (byte) (0xC0 | random.nextInt(2)); // an overlong-encoding lead byte
        return List.of(WebSocketFrame.textFrame(json.substring(0, half), false),
                WebSocketFrame.continuationFrame(Buffer.buffer(rest), true));
    }

    private static List<WebSocketFrame> binary(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(400)];
        random.nextBytes(bytes);
        return List.of(WebSocketFrame.binaryFrame(Buffer.buffer(bytes), true));
    }

    private static List<WebSocketFrame> text(String message) {
        return List.of(WebSocketFrame.textFrame(message, true));
    }

    /** Writes the messages in order, then closes the socket if the gateway has not. */
    private CompletableFuture<Void> play(HttpClient client, List<List<WebSocketFrame>> messages,
            Map<Short, AtomicInteger> closes, AtomicInteger framesSent) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.webSocket(new WebSocketConnectOptions().setAbsoluteURI(FIXTURE.mediaUrl().toString()))
                .onFailure(done::completeExceptionally)
                .onSuccess(socket -> {
                    socket.closeHandler(v -> {
                        Short code = socket.closeStatusCode();
                        if (code != null) {
                            closes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                        }
                        done.complete(null);
                    });
                    socket.exceptionHandler(e -> { }); // a write after the gateway closed the socket: expected
                    for (List<WebSocketFrame> message : messages) {
                        if (socket.isClosed()) {
                            break;
                        }
                        message.forEach(socket::writeFrame);
                        framesSent.incrementAndGet();
                    }
                    if (!socket.isClosed()) {
                        socket.close();
                    }
                });
        return done;
    }

    private CallReport normalCall() {
        return CALLER.run(FIXTURE.call(port, CallerScript.of(
                        new ScriptStep.WaitForAgent(Duration.ofSeconds(20), Duration.ofMillis(50)),
                        new ScriptStep.Say("yes"), new ScriptStep.Silence(Duration.ofMillis(500)),
                        new ScriptStep.Hangup()))
                .callTimeout(Duration.ofSeconds(60)).build());
    }

    private void awaitQuiet() {
        FIXTURE.awaitQuiet(activeCalls, mediaStreams);
    }

    /** Live threads by name with digits removed, for a failure message. */
    private static Map<String, Long> threadGroups() {
        return Thread.getAllStackTraces().keySet().stream().collect(java.util.stream.Collectors.groupingBy(
                thread -> thread.getName().replaceAll("\\d+", "#"), java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }

    /** Heap in use after a full collection (G1 runs one on System.gc()). */
    private static long liveHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

}
