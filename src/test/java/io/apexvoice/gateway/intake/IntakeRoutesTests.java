package io.apexvoice.gateway.intake;

import static io.apexvoice.gateway.testsupport.GatewayTestClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.redis.IdempotencyGuard;
import io.apexvoice.gateway.tenants.ApiKeyHash;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.MutableClock;
import io.apexvoice.gateway.testsupport.PinnableClock;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Callable;
import java.util.HexFormat;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The intake routes (SPEC §5) end to end: real HTTP, real Camel YAML routes, real Redis, the file record store.
 * Webhooks are signed against the configured public URL exactly as Twilio signs them.
 */
@CamelSpringBootTest
@DisableJmx(false)
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@AutoConfigureObservability
@Import(PinnableClock.class)
@ExtendWith(OutputCaptureExtension.class)
class IntakeRoutesTests {

    static final String PUBLIC_BASE = "https://gw.example.com";
    static final String AUTH_TOKEN = "global-auth-token-4711-secret";
    static final String OWN_TOKEN = "tenant-own-token-0815-secret";
    static final String STREAM_SECRET = "stream-secret-for-tests";
    static final String ACME_KEY = "acme-api-key-secret";
    static final String GLOBEX_KEY = "globex-api-key-secret";

    static final String ACME = RandomIds.tenant().value();
    static final String GLOBEX = RandomIds.tenant().value();
    static final String PAUSED = RandomIds.tenant().value();
    static final String OWN = RandomIds.tenant().value();
    static final String RATE = RandomIds.tenant().value();
    static final String CONC = RandomIds.tenant().value();
    static final String FLIP = RandomIds.tenant().value();
    static final String STORM = RandomIds.tenant().value();
    static final String FUZZ = RandomIds.tenant().value();

    static final Path WORK = createWorkDir();
    static final Path TENANTS_FILE = WORK.resolve("tenants.yaml");
    static final Path RECORDS = WORK.resolve("calls");

    @DynamicPropertySource
    static void gatewaySettings(DynamicPropertyRegistry registry) throws IOException {
        Files.writeString(TENANTS_FILE, tenantsYaml(false));
        RedisTestServer.register(registry);
        registry.add("MEDIA_PORT", FreePorts::next);
        registry.add("TENANTS_SOURCE", () -> "file:" + TENANTS_FILE);
        registry.add("apex.tenants.reload-interval", () -> "100ms");
        registry.add("RECORDS_STORE", () -> "file:" + RECORDS);
        registry.add("PUBLIC_BASE_URL", () -> PUBLIC_BASE);
        registry.add("TWILIO_AUTH_TOKEN", () -> AUTH_TOKEN);
        registry.add("STREAM_TOKEN_SECRET", () -> STREAM_SECRET);
        registry.add("MANAGEMENT_USER", () -> "ops");
        registry.add("MANAGEMENT_PASSWORD", () -> "ops-password");
        registry.add("ROUTES_INCLUDE_PATTERN", () -> "file:" + Path.of("routes").toAbsolutePath() + "/*.yaml");
    }

    @LocalServerPort
    int port;
    @Autowired
    MutableClock clock;
    @Autowired
    CallRecordStore records;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    IdempotencyGuard idempotency;
    @Autowired
    CallAdmission admission;
    @Autowired
    StreamTokens streamTokens;
    @Autowired
    MeterRegistry meters;

    GatewayTestClient client;

    @BeforeEach
    void connect() {
        client = new GatewayTestClient(port, PUBLIC_BASE);
    }

    @AfterEach
    void unpinClock() {
        clock.release();
    }

    @Test
    void answersASignedCallWithAStreamAndRecordsIt() {
        CallSid call = RandomIds.callSid();

        HttpResponse<String> response = voice(ACME, call);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/xml"));
        String twiml = response.body();
        assertThat(twiml).contains("<Connect><Stream url=\"wss://gw.example.com/twilio/media\">")
                .contains("<Parameter name=\"tenant\" value=\"" + ACME + "\"/>")
                .containsPattern("</Connect><Say language=\"en-US\">[^<]+</Say><Hangup/></Response>$");
        assertThat(streamTokens.verify(parameter(twiml, "token"), call, TenantId.of(ACME), Map.of())).isTrue();

        CallRecord record = records.find(TenantId.of(ACME), call).orElseThrow();
        assertThat(record.direction()).isEqualTo("inbound");
        assertThat(record.from()).isEqualTo("+14155550123");
        Long ttl = redis.getExpire(idempotency.voiceWebhookKey(call));
        assertThat(ttl).isBetween(1L, 300L);
        assertThat(admission.active(TenantId.of(ACME), Instant.now())).isGreaterThanOrEqualTo(1);
    }

    @Test
    void rejectsUnsignedOrForgedWebhooksWritingNothing() {
        CallSid call = RandomIds.callSid();
        String path = "/twilio/" + ACME + "/voice";
        Map<String, List<String>> fields = ringing(call);

        HttpResponse<String> unsigned = client.post(path, GatewayTestClient.encode(fields),
                "application/x-www-form-urlencoded", Map.of());
        HttpResponse<String> wrongToken = client.postSigned("not-the-token", path, fields);
        Map<String, List<String>> tampered = ringing(call);
        tampered.put("From", List.of("+19005550000"));
        HttpResponse<String> forged = client.post(path, GatewayTestClient.encode(tampered),
                "application/x-www-form-urlencoded", Map.of("X-Twilio-Signature", client.sign(AUTH_TOKEN, path,
                        fields)));

        for (HttpResponse<String> response : List.of(unsigned, wrongToken, forged)) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).isEqualTo("invalid signature");
        }
        assertThat(records.find(TenantId.of(ACME), call)).isEmpty();
        assertThat(redis.hasKey(idempotency.voiceWebhookKey(call))).isFalse();
        assertThat(counter(ACME, "voice", "rejected_signature")).isGreaterThanOrEqualTo(3);
    }

    /**
     * The public base URL has no port here: Twilio's signature over the URL with the default port added is accepted
     * (the SDKs' {@code addPort}), any other port or scheme is not ({@code SignatureBypassTests} has the rest).
     */
    @Test
    void acceptsTheDefaultPortAddedToTheSignedUrlAndNoOtherPortOrScheme() {
        String path = "/twilio/" + ACME + "/voice";
        for (String base : List.of("https://gw.example.com:443", "https://gw.example.com:8443",
                "https://gw.example.com:80", "http://gw.example.com:443", "http://gw.example.com")) {
            CallSid call = RandomIds.callSid();
            HttpResponse<String> answer = client.post(path, GatewayTestClient.encode(ringing(call)),
                    "application/x-www-form-urlencoded", Map.of("X-Twilio-Signature",
                            TwilioSignature.compute(AUTH_TOKEN, base + path, ringing(call))));
            boolean accepted = base.equals("https://gw.example.com:443");
            assertThat(answer.statusCode()).as(base).isEqualTo(accepted ? 200 : 403);
            assertThat(records.find(TenantId.of(ACME), call).isPresent()).as(base).isEqualTo(accepted);
            assertThat(redis.hasKey(idempotency.voiceWebhookKey(call))).as(base).isEqualTo(accepted);
        }
    }

    @Test
    void unknownTenantIsNotFoundOnlyOnceSigned() {
        CallSid call = RandomIds.callSid();
        String unknown = RandomIds.tenant().value();

        assertThat(voice(unknown, call).statusCode()).isEqualTo(404);
        assertThat(voice("Not_A-Tenant", call).statusCode()).isEqualTo(404);
        assertThat(client.post("/twilio/" + unknown + "/voice", GatewayTestClient.encode(ringing(call)),
                "application/x-www-form-urlencoded", Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void suspendedTenantHearsAGoodbyeAndNothingIsCreated() {
        CallSid call = RandomIds.callSid();

        HttpResponse<String> response = voice(PAUSED, call);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<Say").contains("<Hangup/>").doesNotContain("<Connect>");
        assertThat(records.find(TenantId.of(PAUSED), call)).isEmpty();
    }

    @Test
    void rejectsAMissingOrMalformedCallSid() {
        String path = "/twilio/" + ACME + "/voice";

        assertThat(client.postSigned(AUTH_TOKEN, path, form("CallStatus", "ringing")).statusCode()).isEqualTo(400);
        HttpResponse<String> malformed = client.postSigned(AUTH_TOKEN, path,
                form("CallSid", "CA123", "CallStatus", "ringing"));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).isEqualTo("CallSid missing or malformed");
    }

    @Test
    void fiftyConcurrentDuplicatesCreateOneCallAndGetIdenticalTwiml() throws Exception {
        CallSid call = RandomIds.callSid();
        double duplicatesBefore = counter(ACME, "voice", "duplicate");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return voice(ACME, call);
                }));
            }
            start.countDown();
            Set<String> bodies = new HashSet<>();
            for (Future<HttpResponse<String>> future : futures) {
                HttpResponse<String> response = future.get();
                assertThat(response.statusCode()).isEqualTo(200);
                bodies.add(response.body());
            }
            assertThat(bodies).hasSize(1);
            assertThat(bodies.iterator().next()).contains("<Connect>");
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(RECORDS.resolve(ACME))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(call.value()))).hasSize(1);
        }
        assertThat(counter(ACME, "voice", "duplicate") - duplicatesBefore).isEqualTo(49);
        assertThat(redis.opsForZSet().score(keyOfActiveCalls(ACME), call.value())).isNotNull();
    }

    /**
     * Twilio's retries in a storm: 1,000 signed deliveries of 100 calls' voice webhooks, each call 10 times, shuffled
     * and sent by 64 threads at once; 20 of the calls were answered once before the storm, so their duplicates come
     * after the first delivery finished. Each call is admitted and recorded once and every delivery of it gets the
     * same TwiML.
     */
    @Test
    void aRetryStormOfAThousandDeliveriesAdmitsAndRecordsEachOfAHundredCallsOnce() throws Exception {
        List<CallSid> calls = IntStream.range(0, 100).mapToObj(i -> RandomIds.callSid()).toList();
        Map<CallSid, String> answeredBefore = new HashMap<>();
        for (CallSid call : calls.subList(0, 20)) {
            answeredBefore.put(call, voice(STORM, call).body());
        }
        List<CallSid> deliveries = new ArrayList<>();
        for (CallSid call : calls) {
            for (int i = answeredBefore.containsKey(call) ? 1 : 0; i < 10; i++) {
                deliveries.add(call);
            }
        }
        Collections.shuffle(deliveries, new Random(13));
        Map<CallSid, Set<String>> answers = new ConcurrentHashMap<>();
        answeredBefore.forEach((call, twiml) -> answers.computeIfAbsent(call, c -> ConcurrentHashMap.newKeySet())
                .add(twiml));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (CallSid call : deliveries) {
                sent.add(pool.submit(() -> {
                    start.await();
                    HttpResponse<String> response = voice(STORM, call);
                    answers.computeIfAbsent(call, c -> ConcurrentHashMap.newKeySet()).add(response.body());
                    return response.statusCode();
                }));
            }
            start.countDown();
            for (Future<Integer> status : sent) {
                assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(deliveries).hasSize(980);
        assertThat(answers).hasSize(100).allSatisfy((call, twimls) -> assertThat(twimls).singleElement()
                .satisfies(twiml -> assertThat(streamTokens.verify(streamToken(twiml), call, TenantId.of(STORM),
                        Map.of()))
                        .as("the TwiML's stream token is this call's").isTrue()));
        try (Stream<Path> files = Files.list(RECORDS.resolve(STORM))) {
            assertThat(files.map(f -> f.getFileName().toString().replace(".json", "")).sorted())
                    .containsExactlyElementsOf(calls.stream().map(CallSid::value).sorted().toList());
        }
        assertThat(redis.opsForZSet().zCard(keyOfActiveCalls(STORM))).isEqualTo(100);
        assertThat(counter(STORM, "voice", "accepted")).isEqualTo(100);
        assertThat(counter(STORM, "voice", "duplicate")).isEqualTo(900);
    }

    /**
     * 10 000 hostile webhooks (issue 13): signed deliveries with the CallSid missing or malformed, fields repeated, a value
     * changed after signing; bodies that are not valid UTF-8, not a form, far too large or random bytes; wrong or
     * missing content types; tenant ids with path, wildcard, brace and unicode tricks; status callbacks with garbage
     * sequence numbers and states; interleaved with valid calls. No answer is a 5xx, every tampered signature is
     * refused, every valid call is admitted, every key written has a TTL and only the valid calls wrote
     * idempotency keys, no thread is left behind and the gateway is healthy afterwards.
     */
    @Test
    void tenThousandHostileWebhooksGetNoServerErrorAndLeaveNothingBehind() throws Exception {
        String run = HexFormat.of().formatHex(RandomIds.bytes(4));
        Random random = new Random(4242);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        Map<Integer, List<Integer>> statusesByKind = new ConcurrentHashMap<>();
        Set<String> admitted = ConcurrentHashMap.newKeySet();
        AtomicInteger validAdmitted = new AtomicInteger();
        List<Callable<Void>> deliveries = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            int kind = i % 10;
            long seed = random.nextLong();
            String callSid = "CA" + run + String.format("%024x", i);
            deliveries.add(() -> {
                HttpResponse<String> answer = hostile(kind, new Random(seed), callSid);
                statusesByKind.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(answer.statusCode());
                if (answer.body().contains("<Connect>")) {
                    admitted.add(callSid);
                    if (kind == 0) {
                        validAdmitted.incrementAndGet();
                    }
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (Future<Void> delivery : pool.invokeAll(deliveries)) {
                delivery.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(statusesByKind.values().stream().mapToInt(List::size).sum()).isEqualTo(10_000);
        assertThat(statusesByKind).allSatisfy((kind, statuses) -> assertThat(statuses)
                .as("kind %d: no server error", kind).allMatch(status -> status < 500));
        assertThat(statusesByKind.get(0)).as("valid calls admitted").containsOnly(200);
        assertThat(validAdmitted).hasValue(1_000);
        assertThat(statusesByKind.get(1)).as("CallSid missing or malformed").containsOnly(400);
        assertThat(statusesByKind.get(3)).as("a value changed after signing").containsOnly(403);
        assertThat(statusesByKind.get(6)).as("bodies past the limit").contains(413);
        assertThat(statusesByKind.get(7)).as("tenant id tricks").allMatch(status -> status == 400 || status == 404);
        Set<String> written = redis.keys("*" + run + "*");
        assertThat(written).allSatisfy(key -> assertThat(redis.getExpire(key)).as("TTL of %s", key).isPositive());
        Set<String> admittedKeys = admitted.stream().map(sid -> idempotency.voiceWebhookKey(CallSid.of(sid))).collect(Collectors.toSet());
        assertThat(written.stream().filter(key -> key.endsWith("}")))
                .as("voice idempotency keys: those of the admitted calls only").containsExactlyInAnyOrderElementsOf(admittedKeys);
        assertThat(written.stream().filter(key -> !key.endsWith("}")))
                .as("the rest: dedupe keys of valid status callbacks (CallSid:SequenceNumber), nothing else")
                .allMatch(key -> key.matches("idem:\\{CA" + run + "[0-9a-f]{24}}:1"));
        assertThat(client.get("/health", Map.of()).statusCode()).isEqualTo(200);
        Await.until(Duration.ofSeconds(10),
                () -> ManagementFactory.getThreadMXBean().getThreadCount() <= threadsBefore + 8,
                "threads back to where they were (" + threadsBefore + ")");
    }

    /** One hostile (or, kind 0, valid) delivery; {@code callSid} is used by the kinds that carry one. */
    private HttpResponse<String> hostile(int kind, Random random, String callSid) {
        String voicePath = "/twilio/" + FUZZ + "/voice";
        Map<String, List<String>> form = ringing(CallSid.of(callSid));
        switch (kind) {
            case 0 -> {
                return client.postSigned(AUTH_TOKEN, voicePath, form);
            }
            case 1 -> {
                String bad = List.of("", "CA123", "../" + callSid, callSid + "'; --", "CA" + "g".repeat(32))
                        .get(random.nextInt(6) % 5);
                if (random.nextInt(6) == 5) {
                    form.remove("CallSid");
                } else {
                    form.put("CallSid", new ArrayList<>(List.of(bad)));
                }
                return client.postSigned(AUTH_TOKEN, voicePath, form);
            }
            case 2 -> {
                form.get("CallSid").add("CA" + "f".repeat(32));
                form.computeIfAbsent("From", k -> new ArrayList<>()).add("not-a-number");
                return client.postSigned(AUTH_TOKEN, voicePath, form);
            }
            case 3 -> {
                String signature = client.sign(AUTH_TOKEN, voicePath, form);
                form.put("From", new ArrayList<>(List.of("+1900555" + random.nextInt(10_000))));
                return client.post(voicePath, GatewayTestClient.encode(form), "application/x-www-form-urlencoded",
                        Map.of("X-Twilio-Signature", signature));
            }
            case 4 -> {
                byte[] invalid = ("CallSid=" + callSid + "&From=%FF%FE%C3%28&To=\u0000").getBytes(StandardCharsets.ISO_8859_1);
                byte[] body = Arrays.copyOf(invalid, invalid.length + 4);
                body[invalid.length] = (byte) 0xC3;
                body[invalid.length + 1] = (byte) 0x28;
                body[invalid.length + 2] = (byte) 0xF0;
                body[invalid.length + 3] = (byte) 0x9F;
                return client.postBytes(voicePath, body, "application/x-www-form-urlencoded; charset=utf-8",
                        Map.of("X-Twilio-Signature", Base64.getEncoder().encodeToString(RandomIds.bytes(20))));
            }
            case 5 -> {
                // a multipart type without a boundary made Spring's multipart resolver throw: a 500 (fixed)
                String type = List.of("application/json", "text/plain", "multipart/form-data; boundary=x",
                        "multipart/form-data", "multipart/mixed", "application/xml").get(random.nextInt(6));
                String body = "{\"CallSid\":\"" + callSid + "\"}";
                return random.nextBoolean()
                        ? client.post(voicePath, body, type, Map.of("X-Twilio-Signature", client.sign(AUTH_TOKEN,
                                voicePath, form)))
                        : client.postBytes(voicePath, body.getBytes(StandardCharsets.UTF_8), null, Map.of());
            }
            case 6 -> {
                int size = random.nextInt(10) == 0 ? 2_000_000 : 20_000;
                form.put("Junk", new ArrayList<>(List.of("x".repeat(size))));
                return client.postSigned(AUTH_TOKEN, voicePath, form);
            }
            case 7 -> {
                String tenant = List.of("..%2f..%2fetc", "%2a", "%7b" + FUZZ + "%7d", "t%C3%A9nant", "a:b",
                        "x".repeat(300), "%00", FUZZ.toUpperCase()).get(random.nextInt(8));
                return client.postSigned(AUTH_TOKEN, "/twilio/" + tenant + "/voice", form);
            }
            case 8 -> {
                return client.postSigned(AUTH_TOKEN, "/twilio/" + FUZZ + "/status", form("AccountSid",
                        "AC00000000000000000000000000000000", "CallSid", callSid, "CallStatus",
                        List.of("completed", "bogus", "", "in-progress").get(random.nextInt(4)), "SequenceNumber",
                        List.of("1", "-1", "x", "99999999999999999999").get(random.nextInt(4))));
            }
            default -> {
                byte[] garbage = new byte[random.nextInt(4_096)];
                random.nextBytes(garbage);
                return client.postBytes(random.nextBoolean() ? voicePath : "/twilio/" + FUZZ + "/status", garbage,
                        random.nextBoolean() ? "application/x-www-form-urlencoded" : "application/octet-stream",
                        Map.of());
            }
        }
    }

    @Test
    void refusesCallsBeyondTheTenantsRatePerMinute() {
        clock.pin(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(1));
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(voice(RATE, RandomIds.callSid()).body());
        }

        assertThat(answers.subList(0, 3)).allSatisfy(twiml -> assertThat(twiml).contains("<Connect>"));
        assertThat(answers.get(3)).doesNotContain("<Connect>").contains("busy").contains("<Hangup/>");

        assertThat(counter(RATE, "voice", "rate_limited")).isEqualTo(1);
        assertThat(counter(RATE, "voice", "accepted")).isEqualTo(3);

        clock.advance(Duration.ofMinutes(1));
        assertThat(voice(RATE, RandomIds.callSid()).body()).contains("<Connect>");
    }

    @Test
    void refusesCallsBeyondTheConcurrentLimitUntilOneEnds() {
        CallSid first = RandomIds.callSid();
        assertThat(voice(CONC, first).body()).contains("<Connect>");
        assertThat(voice(CONC, RandomIds.callSid()).body()).contains("<Connect>");
        CallSid refused = RandomIds.callSid();
        assertThat(voice(CONC, refused).body()).doesNotContain("<Connect>").contains("<Hangup/>");
        assertThat(records.find(TenantId.of(CONC), refused)).isEmpty();

        assertThat(status(CONC, first, "completed", 1).statusCode()).isEqualTo(204);

        assertThat(voice(CONC, RandomIds.callSid()).body()).contains("<Connect>");
        assertThat(counter(CONC, "voice", "busy")).isEqualTo(1);
    }

    @Test
    void mergesOutOfOrderAndDuplicateStatusCallbacks() {
        CallSid call = RandomIds.callSid();
        voice(ACME, call);

        assertThat(status(ACME, call, "in-progress", 2).statusCode()).isEqualTo(204);
        assertThat(status(ACME, call, "completed", 3).statusCode()).isEqualTo(204);
        assertThat(status(ACME, call, "ringing", 1).statusCode()).isEqualTo(204);
        assertThat(status(ACME, call, "completed", 3).statusCode()).isEqualTo(204);

        CallRecord record = records.find(TenantId.of(ACME), call).orElseThrow();
        assertThat(record.status()).isEqualTo("completed");
        assertThat(record.statusHistory()).extracting(CallRecord.StatusEvent::sequenceNumber)
                .containsExactly(1L, 2L, 3L);
        assertThat(redis.hasKey(idempotency.statusCallbackKey(call, 3))).isTrue();
        assertThat(redis.opsForZSet().score(keyOfActiveCalls(ACME), call.value())).isNull();
    }

    @Test
    void rejectsUnsignedOrIncompleteStatusCallbacks() {
        CallSid call = RandomIds.callSid();
        String path = "/twilio/" + ACME + "/status";

        assertThat(client.post(path, GatewayTestClient.encode(form("CallSid", call.value(), "CallStatus",
                "completed", "SequenceNumber", "1")), "application/x-www-form-urlencoded", Map.of())
                .statusCode()).isEqualTo(403);
        assertThat(client.postSigned(AUTH_TOKEN, path, form("CallSid", call.value(), "CallStatus", "completed"))
                .statusCode()).isEqualTo(400);
        assertThat(client.postSigned(AUTH_TOKEN, path, form("CallSid", call.value(), "CallStatus", "exploded",
                "SequenceNumber", "1")).statusCode()).isEqualTo(400);
        assertThat(records.find(TenantId.of(ACME), call)).isEmpty();
    }

    @Test
    void callRecordsApiIsScopedToTheKeysTenant() {
        CallSid acmeCall = RandomIds.callSid();
        CallSid globexCall = RandomIds.callSid();
        voice(ACME, acmeCall);
        voice(GLOBEX, globexCall);
        String acmePath = "/api/v1/tenants/" + ACME + "/calls/";

        assertThat(client.get(acmePath + acmeCall, Map.of()).statusCode()).isEqualTo(401);
        assertThat(client.get(acmePath + acmeCall, bearer(GLOBEX_KEY)).statusCode()).isEqualTo(403);
        assertThat(client.get(acmePath + globexCall, bearer(ACME_KEY)).statusCode()).isEqualTo(404);
        assertThat(client.get(acmePath + RandomIds.callSid(), bearer(ACME_KEY)).statusCode()).isEqualTo(404);
        assertThat(client.get("/api/v1/tenants/" + RandomIds.tenant() + "/calls/" + acmeCall, bearer(ACME_KEY))
                .statusCode()).isEqualTo(404);

        HttpResponse<String> ok = client.get(acmePath + acmeCall, bearer(ACME_KEY));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(ok.body()).contains("\"callSid\":\"" + acmeCall + "\"", "\"tenant\":\"" + ACME + "\"",
                "\"direction\":\"inbound\"", "\"status\"", "\"statusHistory\"", "\"turns\"");
    }

    @Test
    void slowsApiKeyGuessingPerAddressAndTenantUntilTimeGivesATryBack() {
        clock.pin(Instant.now());
        String path = "/api/v1/tenants/" + STORM + "/calls/" + RandomIds.callSid();
        String rightKey = STORM + "-key";
        for (int i = 0; i < 10; i++) {
            assertThat(client.get(path, bearer("guess-" + i)).statusCode()).as("guess %d", i).isEqualTo(403);
        }

        HttpResponse<String> throttled = client.get(path, bearer(rightKey));
        assertThat(throttled.statusCode()).as("the right key too, from this address").isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("6");
        assertThat(throttled.body()).contains("too many wrong API keys");
        assertThat(client.get("/api/v1/tenants/" + ACME + "/calls/" + RandomIds.callSid(), bearer(ACME_KEY))
                .statusCode()).as("another tenant from the same address").isEqualTo(404);

        clock.advance(Duration.ofSeconds(6));
        assertThat(client.get(path, bearer(rightKey)).statusCode()).as("authenticated; no such call").isEqualTo(404);
        assertThat(client.get(path, bearer("guess-11")).statusCode()).isEqualTo(403);
        assertThat(client.get(path, bearer(rightKey)).statusCode()).as("one try a refill").isEqualTo(429);
    }

    @Test
    void answersBadInputWithShortClientErrorsNeverAServerError() {
        String path = "/twilio/" + ACME + "/voice";
        String huge = "CallSid=" + "A".repeat(70 * 1024);

        HttpResponse<String> oversized = client.post(path, huge, "application/x-www-form-urlencoded", Map.of());
        HttpResponse<String> malformed = client.post(path, "CallSid=%ZZ", "application/x-www-form-urlencoded",
                Map.of());
        HttpResponse<String> json = client.post(path, "{\"CallSid\":1}", "application/json", Map.of());
        HttpResponse<String> wrongMethod = client.get(path, Map.of());

        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json.statusCode()).isEqualTo(403);
        assertThat(wrongMethod.statusCode()).isBetween(400, 499);
        for (HttpResponse<String> response : List.of(oversized, malformed, json, wrongMethod)) {
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void tenantWithItsOwnAuthTokenIsVerifiedWithIt() {
        String path = "/twilio/" + OWN + "/voice";
        CallSid call = RandomIds.callSid();

        assertThat(client.postSigned(AUTH_TOKEN, path, ringing(call)).statusCode()).isEqualTo(403);
        assertThat(client.postSigned(OWN_TOKEN, path, ringing(call)).body()).contains("<Connect>");
    }

    @Test
    void tenantFileChangesApplyWithoutRestart() throws IOException {
        assertThat(voice(FLIP, RandomIds.callSid()).body()).contains("<Connect>");

        Files.writeString(TENANTS_FILE, tenantsYaml(true));
        try {
            Await.until(Duration.ofSeconds(10), () -> !voice(FLIP, RandomIds.callSid()).body().contains("<Connect>"),
                    "suspension of " + FLIP + " to apply");
        } finally {
            Files.writeString(TENANTS_FILE, tenantsYaml(false));
        }
        Await.until(Duration.ofSeconds(10), () -> voice(FLIP, RandomIds.callSid()).body().contains("<Connect>"),
                "resumption of " + FLIP + " to apply");
    }

    @Test
    void exposesHealthMetricsJmxAndGuardsManagementEndpoints() throws Exception {
        voice(ACME, RandomIds.callSid());

        HttpResponse<String> health = client.get("/health", Map.of());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("redis");
        assertThat(client.get("/health/live", Map.of()).statusCode()).isEqualTo(200);

        HttpResponse<String> prometheus = client.get("/actuator/prometheus", Map.of());
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("apex_intake_webhooks_total{")
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"twilio-voice-webhook\"");

        Set<ObjectName> routeBeans = ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("org.apache.camel:type=routes,*"), null);
        assertThat(routeBeans).extracting(name -> name.getKeyProperty("name"))
                .contains("\"twilio-voice-webhook\"", "\"twilio-status-callback\"", "\"call-records-api\"");

        assertThat(client.get("/actuator/metrics", Map.of()).statusCode()).isEqualTo(401);
        String basic = Base64.getEncoder().encodeToString("ops:ops-password".getBytes(StandardCharsets.UTF_8));
        assertThat(client.get("/actuator/metrics", Map.of("Authorization", "Basic " + basic)).statusCode())
                .isEqualTo(200);
        String wrong = Base64.getEncoder().encodeToString("ops:nope".getBytes(StandardCharsets.UTF_8));
        assertThat(client.get("/actuator/metrics", Map.of("Authorization", "Basic " + wrong)).statusCode())
                .isEqualTo(401);
    }

    @Test
    void neverWritesSecretsToTheLog(CapturedOutput output) {
        CallSid call = RandomIds.callSid();
        voice(ACME, call);
        client.postSigned("forged", "/twilio/" + ACME + "/voice", ringing(RandomIds.callSid()));
        status(ACME, call, "completed", 5);
        client.get("/api/v1/tenants/" + ACME + "/calls/" + call, bearer(ACME_KEY));
        client.get("/api/v1/tenants/" + ACME + "/calls/" + call, bearer(GLOBEX_KEY));

        assertThat(output.getAll()).doesNotContain(AUTH_TOKEN, OWN_TOKEN, STREAM_SECRET, ACME_KEY, GLOBEX_KEY,
                "ops-password");
    }

    // --- helpers

    private HttpResponse<String> voice(String tenant, CallSid call) {
        return client.postSigned(tenant.equals(OWN) ? OWN_TOKEN : AUTH_TOKEN, "/twilio/" + tenant + "/voice",
                ringing(call));
    }

    private HttpResponse<String> status(String tenant, CallSid call, String status, long sequence) {
        return client.postSigned(AUTH_TOKEN, "/twilio/" + tenant + "/status", form(
                "AccountSid", "AC00000000000000000000000000000000", "CallSid", call.value(),
                "CallStatus", status, "SequenceNumber", Long.toString(sequence),
                "CallbackSource", "call-progress-events", "Timestamp", "Sun, 25 Mar 2018 09:53:19 +0000"));
    }

    private static Map<String, List<String>> ringing(CallSid call) {
        return form("AccountSid", "AC00000000000000000000000000000000", "ApiVersion", "2010-04-01",
                "CallSid", call.value(), "CallStatus", "ringing", "Direction", "inbound",
                "From", "+14155550123", "To", "+14155550100", "StirVerstat", "TN-Validation-Passed-A");
    }

    private static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    private static String parameter(String twiml, String name) {
        String marker = "<Parameter name=\"" + name + "\" value=\"";
        int start = twiml.indexOf(marker) + marker.length();
        return twiml.substring(start, twiml.indexOf('"', start));
    }

    private static String streamToken(String twiml) {
        Matcher token = Pattern.compile("<Parameter name=\"token\" value=\"([^\"]+)\"").matcher(twiml);
        assertThat(token.find()).as("a stream token in %s", twiml).isTrue();
        return token.group(1);
    }

    private String keyOfActiveCalls(String tenant) {
        return "rl:{" + tenant + "}:active";
    }

    private double counter(String tenant, String endpoint, String outcome) {
        var counter = meters.find("apex.intake.webhooks").tags("tenant", tenant, "endpoint", endpoint,
                "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("apex-intake-tests");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String tenantsYaml(boolean flipSuspended) {
        StringBuilder yaml = new StringBuilder("""
                tiers:
                  standard: { callsPerMinute: 1000, maxConcurrentCalls: 1000, maxConcurrentLlm: 4, campaignShare: 1 }
                  rate: { callsPerMinute: 3, maxConcurrentCalls: 100, maxConcurrentLlm: 4, campaignShare: 1 }
                  conc: { callsPerMinute: 1000, maxConcurrentCalls: 2, maxConcurrentLlm: 4, campaignShare: 1 }
                  fuzz: { callsPerMinute: 100000, maxConcurrentCalls: 100000, maxConcurrentLlm: 4, campaignShare: 1 }
                tenants:
                """);
        int number = 100;
        for (String[] t : new String[][] {{ACME, "standard", "false", ""}, {GLOBEX, "standard", "false", ""},
                {PAUSED, "standard", "true", ""}, {OWN, "standard", "false", OWN_TOKEN},
                {RATE, "rate", "false", ""}, {CONC, "conc", "false", ""},
                {FLIP, "standard", Boolean.toString(flipSuspended), ""}, {STORM, "standard", "false", ""}, {FUZZ, "fuzz", "false", ""}}) {
            String key = t[0].equals(ACME) ? ACME_KEY : t[0].equals(GLOBEX) ? GLOBEX_KEY : t[0] + "-key";
            yaml.append("  - id: ").append(t[0]).append('\n')
                    .append("    name: Tenant ").append(t[0]).append('\n')
                    .append("    tier: ").append(t[1]).append('\n')
                    .append("    suspended: ").append(t[2]).append('\n')
                    .append("    twilio: { numbers: [\"+1415555").append(number++).append("0\"], authToken: ")
                    .append(t[3].isEmpty() ? "null" : "\"" + t[3] + "\"").append(" }\n")
                    .append("    voice: { name: en-US-JennyNeural, language: en-US }\n")
                    .append("    prompt: \"You are a test assistant.\"\n")
                    .append("    greeting: \"Hello from the test.\"\n")
                    .append("    fallbackPhrase: \"Sorry, please hold on.\"\n")
                    .append("    apiKeys: [\"").append(ApiKeyHash.of(key).encoded()).append("\"]\n");
        }
        return yaml.toString();
    }
}
