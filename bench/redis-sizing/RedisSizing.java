import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.redis.CallSession;
import io.apexvoice.gateway.redis.CampaignJob;
import io.apexvoice.gateway.redis.CampaignQueue;
import io.apexvoice.gateway.redis.IdempotencyGuard;
import io.apexvoice.gateway.redis.RedisKeys;
import io.apexvoice.gateway.redis.SessionStore;
import io.apexvoice.gateway.redis.TtsAudioCache;
import io.apexvoice.gateway.redis.WebhookRateLimiter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Redis memory per call, per cached TTS phrase and per queued campaign job, measured with the gateway's own Redis
 * classes (real key shapes and values) against a real Redis: used_memory before/after N writes, divided by N.
 * Usage: bench/redis-sizing/run.sh (starts the Redis, builds the classpath, runs this).
 * Args: host port
 */
public class RedisSizing {

    public static void main(String[] args) {
        JedisConnectionFactory factory = new JedisConnectionFactory(
                new RedisStandaloneConfiguration(args[0], Integer.parseInt(args[1])));
        factory.afterPropertiesSet();
        factory.start();
        StringRedisTemplate strings = new StringRedisTemplate(factory);
        RedisTemplate<String, byte[]> bytes = new RedisTemplate<>();
        bytes.setConnectionFactory(factory);
        bytes.setKeySerializer(RedisSerializer.string());
        bytes.setValueSerializer(RedisSerializer.byteArray());
        bytes.afterPropertiesSet();
        RedisKeys keys = new RedisKeys("");
        TenantId tenant = TenantId.of("acme");
        Random random = new Random(42);

        SessionStore sessions = new SessionStore(keys, strings);
        IdempotencyGuard idempotency = new IdempotencyGuard(keys, strings);
        CallAdmission admission = new CallAdmission(keys, strings);
        WebhookRateLimiter limiter = new WebhookRateLimiter(keys, strings);
        String twiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect><Stream url=\"wss://voice.apexvoice.io/"
                + "twilio/media\"><Parameter name=\"tenant\" value=\"acme\"/><Parameter name=\"token\" value=\""
                + "x".repeat(120) + "\"/></Stream></Connect></Response>";
        int calls = 2000;
        report("live call: session (8 turns of ~90 chars), voice + 4 status idempotency keys, concurrency lease",
                strings, calls, i -> {
                    CallSid call = CallSid.of(String.format("CA%032x", i));
                    CallSession session = CallSession.start(call, tenant, "v1", Map.of("name", "Jane Doe", "order", "A-1042"));
                    sessions.open(session);
                    for (int t = 0; t < 8; t++) {
                        sessions.appendTurn(call, t % 2 == 0
                                ? Turn.user(sentence(random, 60))
                                : Turn.assistant(sentence(random, 120)));
                    }
                    String voiceKey = idempotency.voiceWebhookKey(call);
                    idempotency.tryClaim(voiceKey, IdempotencyGuard.DEFAULT_TTL);
                    idempotency.complete(voiceKey, twiml);
                    for (int s = 1; s <= 4; s++) {
                        String key = idempotency.statusCallbackKey(call, s);
                        idempotency.tryClaim(key, IdempotencyGuard.DEFAULT_TTL);
                        idempotency.complete(key, "ok");
                    }
                    admission.tryAdmit(tenant, call, 1_000_000, Instant.now());
                    limiter.tryAcquire(tenant, 1_000_000, Instant.now());
                });

        TtsAudioCache cache = new TtsAudioCache(keys, bytes);
        for (int seconds : new int[] {1, 3, 6}) {
            byte[] audio = new byte[8000 * seconds]; // mu-law 8 kHz: 8000 bytes per second of speech
            random.nextBytes(audio);
            report("cached TTS phrase of " + seconds + " s (" + audio.length + " bytes of mu-law)", strings, 300,
                    i -> cache.put("en-US-JennyNeural", "mulaw-8khz", "phrase " + seconds + " " + i + " " + sentence(random, 40), audio));
        }

        CampaignQueue queue = new CampaignQueue(keys, strings);
        int jobs = 20_000;
        report("queued campaign job (ZSET entry + job JSON + order entry)", strings, jobs, new IntConsumer() {
            final List<CampaignJob> batch = new ArrayList<>();
            @Override
            public void accept(int i) {
                batch.add(new CampaignJob(String.format("job-%08d", i), tenant, "cmp-2026-11-spring-promo", i % 10,
                        String.format("+1415555%04d", i % 10_000), Map.of("name", "Customer " + i, "plan", "premium"), 0));
                if (batch.size() == 500) {
                    queue.enqueueAll(tenant, List.copyOf(batch));
                    batch.clear();
                }
            }
        });
        System.out.printf("MEMORY USAGE samples (bytes): session %s, idem voice %s, first scanned tts key %s, queue ZSET of %d jobs %s, job HASH %s%n",
                memory(strings, "session:{CA" + "0".repeat(31) + "1}"),
                memory(strings, "idem:{CA" + "0".repeat(31) + "1}"),
                strings.execute((org.springframework.data.redis.core.RedisCallback<Object>) c -> {
                    byte[] k = c.keyCommands().scan(org.springframework.data.redis.core.ScanOptions.scanOptions()
                            .match("tts:*").count(1000).build()).next();
                    return c.execute("MEMORY", "USAGE".getBytes(), k);
                }),
                jobs, memory(strings, "queue:campaigns:{acme}"), memory(strings, "queue:jobs:{acme}"));
        factory.destroy();
    }

    private static Object memory(StringRedisTemplate redis, String key) {
        return redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) c ->
                c.execute("MEMORY", "USAGE".getBytes(), key.getBytes()));
    }

    private static void report(String what, StringRedisTemplate redis, int n, IntConsumer write) {
        long before = usedMemory(redis);
        for (int i = 0; i < n; i++) {
            write.accept(i);
        }
        long after = usedMemory(redis);
        System.out.printf("%-100s %8d bytes each (n=%d, used_memory +%d)%n", what, (after - before) / n, n, after - before);
    }

    private static long usedMemory(StringRedisTemplate redis) {
        Object info = redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) c ->
                c.serverCommands().info("memory").getProperty("used_memory"));
        return Long.parseLong(String.valueOf(info));
    }

    private static String sentence(Random random, int length) {
        String words = "please book a table for two tonight at eight thank you yes the order number is what time do you "
                + "open we have availability tomorrow morning would that work for you ";
        int start = random.nextInt(words.length() - length);
        return words.substring(start, start + length);
    }
}
