package io.apexvoice.gateway.tts;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.providers.azure.AzureSpeechSynthesizer;
import io.apexvoice.gateway.providers.azure.AzureTtsProperties;
import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.tenants.Voice;
import io.apexvoice.gateway.testsupport.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** {@link CachedSpeech} on the Azure adapter, the Azure TTS simulator and a real Redis (own key prefix per test). */
class CachedSpeechTests {

    private static final Voice JENNY = new Voice("en-US-JennyNeural", "en-US");
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private static Vertx vertx;
    private static AzureTtsSimulator azure;
    private static AzureSpeechSynthesizer synthesizer;

    private TtsCacheFixture redis;
    private MeterRegistry meters;
    private CachedSpeech speech;

    @BeforeAll
    static void startProvider() {
        vertx = Vertx.vertx();
        azure = new AzureTtsSimulator(vertx, AzureTtsSimulator.Settings.defaults().withStreaming(1, 1600, 1));
        azure.start(0);
        synthesizer = new AzureSpeechSynthesizer(vertx, new AzureTtsProperties(
                AzureTtsSimulator.Settings.defaults().apiKey(), "",
                azure.baseUri().resolve("/cognitiveservices/v1").toString()));
    }

    @AfterAll
    static void stopProvider() {
        synthesizer.close();
        azure.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void start() {
        azure.reset();
        redis = TtsCacheFixture.shared();
        meters = new SimpleMeterRegistry();
        speech = new CachedSpeech(synthesizer, redis.cache, vertx, meters);
    }

    @AfterEach
    void stop() {
        redis.close();
    }

    @Test
    void synthesisesOnAMissAndServesTheSecondRequestFromTheCache() {
        RecordingSink first = speak("Hello, world.");
        awaitStored(speech, "hello, world.");
        RecordingSink second = speak("Hello, world.");

        assertThat(azure.requestsFor("Hello, world.")).isEqualTo(1);
        assertThat(second.audio()).isNotEmpty().isEqualTo(first.audio());
        assertThat(redis.stored(JENNY.name(), "hello, world.")).isEqualTo(first.audio());
        assertThat(redis.ttlSeconds(JENNY.name(), "hello, world."))
                .isBetween(Duration.ofHours(23).toSeconds(), Duration.ofHours(24).toSeconds());
        assertThat(lookups("miss")).isEqualTo(1);
        assertThat(lookups("hit")).isEqualTo(1);
        assertThat(firstBytes("miss")).isEqualTo(1);
        assertThat(firstBytes("hit")).isEqualTo(1);
    }

    @Test
    void servesSpellingVariantsOfOnePhraseFromOneSynthesis() {
        speakAndAwaitStored("Hello,  world", "hello, world");
        speakAndAwaitStored("It\u2019s \u201Cfine\u201D \u2014 really\u2026", "it's \"fine\" - really...");
        speakAndAwaitStored("नमस्ते,  आप कैसे हैं ?", "नमस्ते, आप कैसे हैं?");

        List<RecordingSink> variants = List.of(speak("hello, world"), speak("HELLO , World"),
                speak(" Hello,\u00A0world "), speak("it's \"fine\" - really..."), speak("It's \"Fine\" -  really ..."),
                speak("नमस्ते, आप कैसे हैं?"));

        assertThat(azure.totalSyntheses()).isEqualTo(3);
        assertThat(variants).allSatisfy(sink -> assertThat(sink.audio()).isNotEmpty());
        // each from the cache, or joined to the lookup of the variant before it while that one was being retired
        assertThat(lookups("hit") + lookups("shared")).isEqualTo(variants.size());
        assertThat(lookups("miss")).isEqualTo(3);
    }

    @Test
    void sharesOneProviderRequestAmongConcurrentRequestsForANewPhrase() throws Exception {
        azure.configure(s -> s.withStreaming(50, 400, 5));
        int callers = 10;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        List<Future<RecordingSink>> asked = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                asked.add(threads.submit(() -> {
                    go.await();
                    RecordingSink sink = new RecordingSink();
                    speech.speak(JENNY, "Thank you for calling Apex.", sink).done().join();
                    return sink;
                }));
            }
            go.countDown();
            List<RecordingSink> sinks = new ArrayList<>();
            for (Future<RecordingSink> future : asked) {
                sinks.add(future.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            }

            assertThat(azure.totalSyntheses()).isEqualTo(1);
            byte[] audio = sinks.get(0).audio();
            assertThat(audio).isNotEmpty();
            assertThat(sinks).allSatisfy(sink -> {
                assertThat(sink.audio()).isEqualTo(audio);
                assertThat(sink.events()).last().isEqualTo("complete");
            });
            assertThat(lookups("miss")).isEqualTo(1);
            assertThat(lookups("shared") + lookups("hit")).isEqualTo(callers - 1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void replaysWhatArrivedSoFarToALateJoinerThenStreamsLive() {
        azure.configure(s -> s.withStreaming(1, 400, 20));
        RecordingSink early = new RecordingSink();
        Synthesis first = speech.speak(JENNY, "Your table is booked for seven.", early);
        Await.until(DEADLINE, () -> early.chunks() >= 2, "the first caller hears audio");

        RecordingSink late = new RecordingSink();
        Synthesis second = speech.speak(JENNY, "your table is booked for seven.", late);

        assertThat(first.done()).succeedsWithin(DEADLINE);
        assertThat(second.done()).succeedsWithin(DEADLINE);
        assertThat(late.audio()).isNotEmpty().isEqualTo(early.audio());
        assertThat(azure.totalSyntheses()).isEqualTo(1);
        assertThat(lookups("shared")).isEqualTo(1);
    }

    @Test
    void keepsTheSharedRequestForOthersWhenOneListenerCancels() {
        azure.configure(s -> s.withStreaming(1, 400, 20));
        RecordingSink leaving = new RecordingSink();
        RecordingSink staying = new RecordingSink();
        Synthesis cancelled = speech.speak(JENNY, "Please hold the line.", leaving);
        Synthesis kept = speech.speak(JENNY, "Please hold the line.", staying);
        Await.until(DEADLINE, () -> leaving.chunks() >= 1, "audio is streaming");

        cancelled.cancel();
        leaving.cancelled();

        assertThat(kept.done()).succeedsWithin(DEADLINE);
        assertThat(staying.audio()).hasSize((int) azure.bytesSent());
        assertThat(leaving.callbacksAfterCancel()).isZero();
        assertThat(leaving.ended()).isFalse();
        assertThat(azure.statistics().get("cancelledStreams")).isEqualTo(0L);
        Await.until(DEADLINE, () -> redis.stored(JENNY.name(), "please hold the line.") != null, "the audio is stored");
    }

    @Test
    void cancelsTheProviderRequestAndCachesNothingWhenEveryListenerCancels() {
        azure.configure(s -> s.withStreaming(1, 160, 20));
        RecordingSink one = new RecordingSink();
        RecordingSink two = new RecordingSink();
        Synthesis first = speech.speak(JENNY, "This answer is interrupted by the caller.", one);
        Synthesis second = speech.speak(JENNY, "This answer is interrupted by the caller.", two);
        Await.until(DEADLINE, () -> two.chunks() >= 2, "audio is streaming");

        first.cancel();
        second.cancel();
        one.cancelled();
        two.cancelled();

        Await.until(DEADLINE, () -> azure.openStreams() == 0, "the provider request is closed");
        assertThat(azure.statistics().get("cancelledStreams")).isEqualTo(1L);
        assertThat(one.callbacksAfterCancel() + two.callbacksAfterCancel()).isZero();
        assertThat(redis.stored(JENNY.name(), "this answer is interrupted by the caller.")).isNull();

        azure.configure(s -> s.withStreaming(1, 1600, 1));
        speak("This answer is interrupted by the caller.");
        assertThat(azure.totalSyntheses()).isEqualTo(2);
    }

    @Test
    void doesNotCacheAProviderError() {
        azure.configure(s -> s.withFailNext(503, 1));
        RecordingSink refused = new RecordingSink();

        assertThat(speech.speak(JENNY, "Sorry, one moment.", refused).done()).failsWithin(DEADLINE);
        assertThat(refused.events()).containsExactly("error");
        assertThat(refused.error()).isInstanceOfSatisfying(SynthesisFailedException.class,
                e -> assertThat(e.status()).isEqualTo(503));
        assertThat(redis.stored(JENNY.name(), "sorry, one moment.")).isNull();

        RecordingSink retried = speak("Sorry, one moment.");

        assertThat(retried.audio()).isNotEmpty();
        assertThat(azure.responses(503)).isEqualTo(1);
        assertThat(azure.requestsFor("Sorry, one moment.")).isEqualTo(1);
        assertThat(lookups("miss")).isEqualTo(2);
    }

    @Test
    void prewarmSynthesisesOnlyThePhrasesNotCachedYet() {
        List<String> phrases = List.of("Welcome to Apex Dental.", "One moment please.", "welcome to apex dental.");

        assertThat(speech.prewarm(JENNY, phrases)).succeedsWithin(DEADLINE).isEqualTo(2);
        awaitStored(speech, "one moment please.");

        assertThat(redis.stored(JENNY.name(), "welcome to apex dental.")).isNotEmpty();
        assertThat(speech.prewarm(JENNY, phrases)).succeedsWithin(DEADLINE).isEqualTo(0);
        speak("Welcome to Apex Dental.");
        assertThat(azure.totalSyntheses()).isEqualTo(2);
    }

    @Test
    void stillSpeaksFromTheProviderWhenRedisIsDown() throws IOException {
        try (TtsCacheFixture down = TtsCacheFixture.connect("redis://127.0.0.1:" + closedPort())) {
            CachedSpeech withoutCache = new CachedSpeech(synthesizer, down.cache, vertx, meters);
            for (int i = 0; i < 2; i++) {
                RecordingSink sink = new RecordingSink();
                assertThat(withoutCache.speak(JENNY, "The cache is down.", sink).done()).succeedsWithin(DEADLINE);
                assertThat(sink.audio()).isNotEmpty();
            }
            assertThat(withoutCache.prewarm(JENNY, List.of("Still here."))).succeedsWithin(DEADLINE).isEqualTo(1);
        }
        assertThat(azure.requestsFor("The cache is down.")).isPositive();
        assertThat(lookups("hit")).isZero();
        assertThat(lookups("miss") + lookups("shared")).isEqualTo(3);
    }

    @Test
    void servesARepeatedPhraseFromTheNearCacheSharingOneCopyOfTheAudio() {
        CachedSpeech near = withNearCache(DataSize.ofMegabytes(1), Duration.ofMinutes(10));
        RecordingSink first = speak(near, "Our opening hours are nine to six.");
        awaitStored(near, "our opening hours are nine to six.");
        redis.delete(JENNY.name(), "our opening hours are nine to six.");

        RecordingSink second = speak(near, "our opening hours are nine to six.");
        RecordingSink third = speak(near, "Our opening hours are nine to six.");

        assertThat(azure.totalSyntheses()).isEqualTo(1);
        assertThat(second.audio()).isNotEmpty().isEqualTo(first.audio());
        assertThat(lookups("near")).isEqualTo(2);
        assertThat(lookups("hit")).isZero();
        assertThat(second.received()).hasSameSizeAs(third.received());
        for (int i = 0; i < second.received().size(); i++) {
            assertThat(third.received().get(i)).isSameAs(second.received().get(i));
        }
        assertThat(second.received().subList(0, second.received().size() - 1))
                .allSatisfy(chunk -> assertThat(chunk.length).isEqualTo(AsyncAudioCache.CHUNK_BYTES));
        assertThat(nearBytes()).isEqualTo((long) first.audio().length);
    }

    @Test
    void keepsWhatRedisServedInTheNearCache() {
        speakAndAwaitStored("Your order has shipped.", "your order has shipped.");
        CachedSpeech near = withNearCache(DataSize.ofMegabytes(1), Duration.ofMinutes(10));

        RecordingSink fromRedis = speak(near, "Your order has shipped.");
        RecordingSink fromMemory = speak(near, "Your order has shipped.");

        assertThat(fromMemory.audio()).isEqualTo(fromRedis.audio()).isEqualTo(
                redis.stored(JENNY.name(), "your order has shipped."));
        assertThat(lookups("hit")).isEqualTo(1);
        assertThat(lookups("near")).isEqualTo(1);
        assertThat(azure.totalSyntheses()).isEqualTo(1);
    }

    @Test
    void asksRedisAgainOnceANearEntryExpired() {
        CachedSpeech near = withNearCache(DataSize.ofMegabytes(1), Duration.ofMillis(200));
        speak(near, "Thanks for waiting.");
        Await.until(DEADLINE, () -> redis.stored(JENNY.name(), "thanks for waiting.") != null, "the audio is stored");

        Await.until(DEADLINE, () -> {
            speak(near, "Thanks for waiting.");
            return lookups("hit") == 1;
        }, "a lookup after the near entry's ttl goes to Redis");

        assertThat(azure.totalSyntheses()).isEqualTo(1);
    }

    @Test
    void holdsNoMoreAudioThanItsMaximumSize() {
        long max = 40_000;
        CachedSpeech near = withNearCache(DataSize.ofBytes(max), Duration.ofMinutes(10));
        List<String> phrases = List.of("The first of many answers.", "A second, somewhat longer answer to a question.",
                "Third.", "And a fourth one, which is the longest answer of them all by a wide margin.",
                "Fifth answer here.", "Sixth and last.");
        long total = 0;
        for (String phrase : phrases) {
            total += speak(near, phrase).audio().length;
            Await.until(DEADLINE, () -> nearBytes() > 0, "audio in the near cache");
            assertThat(nearBytes()).isLessThanOrEqualTo(max);
        }
        assertThat(total).isGreaterThan(max);
    }

    @Test
    void completesBlankTextWithoutAudio() {
        RecordingSink sink = new RecordingSink();

        assertThat(speech.speak(JENNY, " \n ", sink).done()).succeedsWithin(DEADLINE);

        assertThat(sink.events()).containsExactly("complete");
        assertThat(azure.totalSyntheses()).isZero();
    }

    private RecordingSink speak(String text) {
        return speak(speech, text);
    }

    private static RecordingSink speak(CachedSpeech speech, String text) {
        RecordingSink sink = new RecordingSink();
        assertThat(speech.speak(JENNY, text, sink).done()).succeedsWithin(DEADLINE);
        assertThat(sink.events()).last().isEqualTo("complete");
        return sink;
    }

    private void speakAndAwaitStored(String text, String normalised) {
        speak(text);
        awaitStored(speech, normalised);
    }

    /** Stored in Redis, and the flight that stored it retired, so the next request is a cache lookup, not a join. */
    private void awaitStored(CachedSpeech by, String normalised) {
        Await.until(DEADLINE, () -> redis.stored(JENNY.name(), normalised) != null && by.flights() == 0,
                "\"" + normalised + "\" is stored and its flight retired");
    }

    /** A speech with a near cache; from here on the counters read are its own (a fresh registry). */
    private CachedSpeech withNearCache(DataSize maxSize, Duration ttl) {
        meters = new SimpleMeterRegistry();
        return new CachedSpeech(synthesizer, redis.cache, vertx, meters, new TtsProperties.NearCache(maxSize, ttl));
    }

    private long nearBytes() {
        return (long) meters.get("apex.tts.near.cache.bytes").gauge().value();
    }

    private double lookups(String result) {
        var counter = meters.find("apex.tts.cache").tag("voice", JENNY.name()).tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private long firstBytes(String cache) {
        var timer = meters.find("apex.tts.first.byte").tag("provider", "azure").tag("cache", cache).timer();
        return timer == null ? 0 : timer.count();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
