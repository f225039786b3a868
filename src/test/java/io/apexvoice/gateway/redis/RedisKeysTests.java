package io.apexvoice.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import redis.clients.jedis.util.JedisClusterCRC16;

class RedisKeysTests {

    private static final TenantId ACME = TenantId.of("acme");
    private static final CallSid CALL = CallSid.of("CA0123456789abcdef0123456789abcdef");

    private final RedisKeys keys = new RedisKeys("");

    @Test
    void namesKeysAsTheSpecSays() {
        assertThat(keys.campaignQueue(ACME)).isEqualTo("queue:campaigns:{acme}");
        assertThat(keys.campaignInflight(ACME)).isEqualTo("queue:inflight:{acme}");
        assertThat(keys.campaignSequence(ACME)).isEqualTo("queue:seq:{acme}");
        assertThat(keys.session(CALL)).isEqualTo("session:{CA0123456789abcdef0123456789abcdef}");
        assertThat(keys.voiceWebhookIdempotency(CALL)).isEqualTo("idem:{CA0123456789abcdef0123456789abcdef}");
        assertThat(keys.statusCallbackIdempotency(CALL, 3)).isEqualTo("idem:{CA0123456789abcdef0123456789abcdef}:3");
        assertThat(keys.rateWindow(ACME, 29_000_000L)).isEqualTo("rl:{acme}:29000000");
        assertThat(keys.activeCalls(ACME)).isEqualTo("rl:{acme}:active");
        assertThat(keys.amdCallbackIdempotency(CALL)).isEqualTo("idem:{CA0123456789abcdef0123456789abcdef}:amd");
        assertThat(keys.voicemailClaim(CALL)).isEqualTo("idem:{CA0123456789abcdef0123456789abcdef}:voicemail");
        assertThat(keys.callActionsChannel()).isEqualTo("channel:call-actions");
        assertThat(new RedisKeys("staging:").callActionsChannel()).isEqualTo("staging:channel:call-actions");
    }

    @Test
    void keysOfOneTenantShareOneClusterSlot() {
        List<String> tenantKeys = List.of(keys.campaignQueue(ACME), keys.campaignInflight(ACME),
                keys.campaignJobs(ACME), keys.campaignOrder(ACME), keys.campaignSequence(ACME),
                keys.rateWindow(ACME, 29_000_000L), keys.rateWindow(ACME, 29_000_001L), keys.activeCalls(ACME));

        assertThat(tenantKeys).extracting(JedisClusterCRC16::getSlot).containsOnly(JedisClusterCRC16.getSlot("acme"));
    }

    @Test
    void keysOfOneCallShareOneClusterSlot() {
        List<String> callKeys = List.of(keys.session(CALL), keys.voiceWebhookIdempotency(CALL),
                keys.statusCallbackIdempotency(CALL, 1), keys.statusCallbackIdempotency(CALL, 42));

        assertThat(callKeys).extracting(JedisClusterCRC16::getSlot).containsOnly(JedisClusterCRC16.getSlot(CALL.value()));
    }

    @Test
    void prefixGoesInFrontOfEveryKeyAndKeepsTheHashTag() {
        RedisKeys prefixed = new RedisKeys("staging:");

        assertThat(prefixed.campaignQueue(ACME)).isEqualTo("staging:queue:campaigns:{acme}");
        assertThat(prefixed.session(CALL)).startsWith("staging:session:{");
        assertThat(prefixed.ttsAudio("v", "f", "t")).startsWith("staging:tts:{");
        assertThat(JedisClusterCRC16.getSlot(prefixed.activeCalls(ACME))).isEqualTo(JedisClusterCRC16.getSlot("acme"));
    }

    @Test
    void rejectsPrefixWithBraces() {
        assertThatThrownBy(() -> new RedisKeys("{x}:")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ttsKeyIsSha256OfVoiceFormatAndText() throws Exception {
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("en-US-JennyNeural|raw-8khz-8bit-mono-mulaw|hello there".getBytes(StandardCharsets.UTF_8)));

        assertThat(keys.ttsAudio("en-US-JennyNeural", "raw-8khz-8bit-mono-mulaw", "hello there"))
                .isEqualTo("tts:{" + hex + "}");
        assertThat(keys.ttsAudio("en-US-GuyNeural", "raw-8khz-8bit-mono-mulaw", "hello there"))
                .isNotEqualTo(keys.ttsAudio("en-US-JennyNeural", "raw-8khz-8bit-mono-mulaw", "hello there"));
    }
}
