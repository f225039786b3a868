package io.apexvoice.gateway.turn;

import io.apexvoice.gateway.simulator.azure.AzureTtsSimulator;
import io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator;
import io.apexvoice.gateway.simulator.groq.GroqSimulator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Switches the provider simulators' faults every {@link #PERIOD_MS} from a seeded schedule: every fault kind of
 * {@link #KINDS} in a shuffled order, then again in another (then over again). Each step applies its fault to its
 * simulator and heals each other simulator with even odds, so faults overlap and calm spells come and go.
 * {@link #stop()} heals all three. Only the schedule is seeded; which calls meet which fault depends on timing.
 */
final class ChaosDriver {

    static final long PERIOD_MS = 2000;
    static final List<String> KINDS = List.of("groq-429", "groq-5xx", "groq-outage", "groq-hang-before-headers",
            "groq-hang-mid-stream", "groq-mid-stream-error", "azure-5xx", "azure-outage", "azure-slow-first-byte",
            "azure-drop", "deepgram-drop-1011", "deepgram-drop-tcp");

    private final Random random;
    private final GroqSimulator groq;
    private final AzureTtsSimulator azure;
    private final DeepgramSimulator deepgram;
    private final List<String> schedule = new ArrayList<>();
    private final Map<String, Integer> injected = new TreeMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "provider-chaos");
        thread.setDaemon(true);
        return thread;
    });
    private int next;

    private ChaosDriver(long seed, GroqSimulator groq, AzureTtsSimulator azure, DeepgramSimulator deepgram) {
        this.random = new Random(seed);
        this.groq = groq;
        this.azure = azure;
        this.deepgram = deepgram;
        for (int round = 0; round < 2; round++) {
            List<String> kinds = new ArrayList<>(KINDS);
            Collections.shuffle(kinds, random);
            schedule.addAll(kinds);
        }
    }

    static ChaosDriver start(long seed, GroqSimulator groq, AzureTtsSimulator azure, DeepgramSimulator deepgram) {
        ChaosDriver driver = new ChaosDriver(seed, groq, azure, deepgram);
        driver.timer.scheduleAtFixedRate(driver::step, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
        return driver;
    }

    /** Stops switching and heals every simulator. */
    void stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        healGroq();
        healAzure();
        healDeepgram();
    }

    /** Faults injected so far, by kind. */
    synchronized Map<String, Integer> injected() {
        return new TreeMap<>(injected);
    }

    private synchronized void step() {
        String kind = schedule.get(next++ % schedule.size());
        String provider = kind.substring(0, kind.indexOf('-'));
        // 429s stay until served (counted in requests, they would often be healed before any reached the gateway)
        if (!provider.equals("groq") && random.nextBoolean() && !rateLimitPending()) {
            healGroq();
        }
        if (!provider.equals("azure") && random.nextBoolean()) {
            healAzure();
        }
        if (!provider.equals("deepgram") && random.nextBoolean()) {
            healDeepgram();
        }
        inject(kind);
        injected.merge(kind, 1, Integer::sum);
    }

    private void inject(String kind) {
        switch (kind) {
            case "groq-429" -> groq.configure(s -> healed(s).withFailNext(429, 3 + random.nextInt(20)));
            case "groq-5xx" -> groq.configure(s -> healed(s).withFailNext(List.of(500, 502, 503)
                    .get(random.nextInt(3)), 3 + random.nextInt(20)));
            case "groq-outage" -> groq.configure(s -> healed(s).withFailNext(503, 100_000));
            case "groq-hang-before-headers" -> groq.configure(s -> healed(s).withHangBeforeHeaders(true));
            case "groq-hang-mid-stream" -> groq.configure(s -> healed(s).withHangAfterTokens(1 + random.nextInt(4)));
            case "groq-mid-stream-error" -> groq.configure(s -> healed(s)
                    .withMidStreamError(1 + random.nextInt(4), random.nextBoolean()));
            case "azure-5xx" -> azure.configure(s -> healed(s).withFailNext(random.nextBoolean() ? 500 : 503,
                    3 + random.nextInt(20)));
            case "azure-outage" -> azure.configure(s -> healed(s).withFailNext(503, 100_000));
            case "azure-slow-first-byte" -> azure.configure(s -> healed(s).withStreaming(1000 + random.nextInt(2500),
                    AzureTtsSimulator.Settings.defaults().chunkBytes(),
                    AzureTtsSimulator.Settings.defaults().chunkIntervalMs()));
            case "azure-drop" -> azure.configure(s -> healed(s).withDropAfterBytes(200 + random.nextInt(2000)));
            case "deepgram-drop-1011" -> deepgram.configure(s -> s.withDrop(1000 + random.nextInt(4000), false));
            case "deepgram-drop-tcp" -> deepgram.configure(s -> s.withDrop(1000 + random.nextInt(4000), true));
            default -> throw new IllegalArgumentException(kind);
        }
    }

    private boolean rateLimitPending() {
        GroqSimulator.Settings settings = groq.settings();
        return settings.failNextWithStatus() == 429 && settings.failNextCount() > 0;
    }

    private void healGroq() {
        groq.configure(ChaosDriver::healed);
    }

    private void healAzure() {
        azure.configure(ChaosDriver::healed);
    }

    private void healDeepgram() {
        deepgram.configure(s -> s.withDrop(0, false));
    }

    private static GroqSimulator.Settings healed(GroqSimulator.Settings s) {
        return s.withFailNext(0, 0).withMidStreamError(-1, false).withHangAfterTokens(-1)
                .withHangBeforeHeaders(false);
    }

    private static AzureTtsSimulator.Settings healed(AzureTtsSimulator.Settings s) {
        AzureTtsSimulator.Settings defaults = AzureTtsSimulator.Settings.defaults();
        return s.withFailNext(0, 0).withDropAfterBytes(-1).withStreaming(defaults.firstByteDelayMs(),
                defaults.chunkBytes(), defaults.chunkIntervalMs());
    }
}
