package io.apexvoice.gateway.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Media-plane meters: {@code apex_media_malformed_frames_total{tenant,kind}},
 * {@code apex_stt_final_latency_seconds{tenant,provider}} (end of caller speech → final transcript),
 * {@code apex_media_streams_rejected_total{reason}}, {@code apex_calls_ended_total{tenant,reason}},
 * {@code apex_bargein_clear_latency_seconds{tenant}} (caller speech start → clear sent).
 */
final class MediaMetrics {

    private final MeterRegistry meters;

    MediaMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void malformed(String tenant, String kind) {
        Counter.builder("apex.media.malformed.frames").description("Media Streams frames dropped as malformed")
                .tag("tenant", tenant).tag("kind", kind).register(meters).increment();
    }

    void rejected(String reason) {
        Counter.builder("apex.media.streams.rejected").description("Media streams closed with 1008 at start")
                .tag("reason", reason).register(meters).increment();
    }

    void sttFinal(String tenant, Duration latency) {
        Timer.builder("apex.stt.final.latency").description("End of caller speech to final transcript")
                .tag("tenant", tenant).tag("provider", "deepgram").publishPercentileHistogram()
                .register(meters).record(latency);
    }

    void bargeIn(String tenant, Duration sinceSpeechStarted) {
        Timer.builder("apex.bargein.clear.latency").description("Caller speech start to the clear sent to Twilio")
                .tag("tenant", tenant).publishPercentileHistogram().register(meters).record(sinceSpeechStarted);
    }

    void ended(String tenant, String reason) {
        Counter.builder("apex.calls.ended").description("Calls whose media session ended, by what ended it")
                .tag("tenant", tenant).tag("reason", reason).register(meters).increment();
    }
}
