package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.media.TwilioMessage.Clear;
import io.apexvoice.gateway.media.TwilioMessage.Connected;
import io.apexvoice.gateway.media.TwilioMessage.Dtmf;
import io.apexvoice.gateway.media.TwilioMessage.Mark;
import io.apexvoice.gateway.media.TwilioMessage.Media;
import io.apexvoice.gateway.media.TwilioMessage.Start;
import io.apexvoice.gateway.media.TwilioMessage.Stop;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioMediaCodecTests {

    private static final String SID = "MZ00000000000000000000000000000001";

    @Test
    void decodesTheDocumentedTwilioFrames() throws Exception {
        assertThat(TwilioMediaCodec.decode("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}"))
                .isEqualTo(new Connected("Call", "1.0.0"));

        Start start = (Start) TwilioMediaCodec.decode("""
                {"event":"start","sequenceNumber":"1",
                 "start":{"accountSid":"AC1","streamSid":"%s","callSid":"CA1","tracks":["inbound"],
                          "mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},
                          "customParameters":{"tenant":"acme","token":"t.x"}},
                 "streamSid":"%s"}""".formatted(SID, SID));
        assertThat(start.sequenceNumber()).isEqualTo(1);
        assertThat(start.callSid()).isEqualTo("CA1");
        assertThat(start.tracks()).containsExactly("inbound");
        assertThat(start.sampleRate()).isEqualTo(8000);
        assertThat(start.customParameters()).containsEntry("tenant", "acme").containsEntry("token", "t.x");

        Media media = (Media) TwilioMediaCodec.decode("{\"event\":\"media\",\"sequenceNumber\":\"4\",\"streamSid\":\""
                + SID + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\"2\",\"timestamp\":\"5\",\"payload\":\"fn5+\"}}");
        assertThat(media.chunk()).isEqualTo(2);
        assertThat(media.timestamp()).isEqualTo(5);
        assertThat(media.payload()).containsExactly(0x7e, 0x7e, 0x7e);

        assertThat(TwilioMediaCodec.decode("{\"event\":\"mark\",\"sequenceNumber\":\"4\",\"streamSid\":\"" + SID
                + "\",\"mark\":{\"name\":\"utt-17\"}}")).isEqualTo(new Mark(4, SID, "utt-17"));
        assertThat(TwilioMediaCodec.decode("{\"event\":\"dtmf\",\"streamSid\":\"" + SID
                + "\",\"sequenceNumber\":\"5\",\"dtmf\":{\"track\":\"inbound_track\",\"digit\":\"1\"}}"))
                .isEqualTo(new Dtmf(5, SID, "inbound_track", "1"));
        assertThat(TwilioMediaCodec.decode("{\"event\":\"stop\",\"sequenceNumber\":\"5\",\"streamSid\":\"" + SID
                + "\",\"stop\":{\"accountSid\":\"AC1\",\"callSid\":\"CA1\"}}"))
                .isEqualTo(new Stop(5, SID, "AC1", "CA1"));
    }

    @Test
    void encodesGatewayFramesExactlyAsTwilioExpectsThem() {
        assertThat(TwilioMediaCodec.encode(Media.outbound(SID, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF})))
                .isEqualTo("{\"event\":\"media\",\"streamSid\":\"" + SID + "\",\"media\":{\"payload\":\"////\"}}");
        assertThat(TwilioMediaCodec.encode(new Mark(0, SID, "t1-s2")))
                .isEqualTo("{\"event\":\"mark\",\"streamSid\":\"" + SID + "\",\"mark\":{\"name\":\"t1-s2\"}}");
        assertThat(TwilioMediaCodec.encode(new Clear(SID)))
                .isEqualTo("{\"event\":\"clear\",\"streamSid\":\"" + SID + "\"}");
    }

    @Test
    void outboundMediaWritesWhatEncodeWritesForEverySliceOfTheAudio() throws Exception {
        byte[] audio = new byte[487];
        new java.util.Random(7).nextBytes(audio);
        for (String sid : List.of(SID, "MZ\u00e9\"quoted\"", "MZ\u20ac")) {
            OutboundMedia media = new OutboundMedia(sid);
            for (int offset : new int[] {0, 1, 2, 160}) {
                for (int length : new int[] {1, 2, 3, 4, 158, 159, 160, 161, 320}) {
                    byte[] slice = java.util.Arrays.copyOfRange(audio, offset, offset + length);
                    String frame = media.frame(audio, offset, length);
                    assertThat(frame).isEqualTo(TwilioMediaCodec.encode(Media.outbound(sid, slice)));
                    assertThat(((Media) TwilioMediaCodec.decode(frame)).payload()).isEqualTo(slice);
                    io.netty.buffer.ByteBuf buffer = media.frame(io.netty.buffer.PooledByteBufAllocator.DEFAULT,
                            audio, offset, length);
                    try {
                        assertThat(buffer.toString(StandardCharsets.UTF_8)).as("the socket's copy").isEqualTo(frame);
                    } finally {
                        buffer.release();
                    }
                }
            }
        }
    }

    @Test
    void roundTripsEveryMessageBothWays() throws Exception {
        Start start = new Start(1, SID, "AC1", "CA1", List.of("inbound"), "audio/x-mulaw", 8000, 1,
                Map.of("tenant", "acme"));
        for (TwilioMessage message : List.of(new Connected("Call", "1.0.0"), start, new Mark(3, SID, "m"),
                new Dtmf(4, SID, "inbound_track", "#"), new Stop(9, SID, "AC1", "CA1"), new Clear(SID))) {
            assertThat(TwilioMediaCodec.decode(TwilioMediaCodec.encode(message))).isEqualTo(message);
        }
        Media media = new Media(2, SID, "inbound", 1, 20, MuLaw.silence(160));
        Media back = (Media) TwilioMediaCodec.decode(TwilioMediaCodec.encode(media));
        assertThat(back.payload()).isEqualTo(media.payload());
        assertThat(back.chunk()).isEqualTo(1);
        assertThat(back.timestamp()).isEqualTo(20);
        assertThat(TwilioMediaCodec.encode(media)).contains("\"sequenceNumber\":\"2\"", "\"chunk\":\"1\"");
    }

    @Test
    void rejectsMalformedFramesWithShortReasons() {
        assertThatThrownBy(() -> TwilioMediaCodec.decode("{not json")).hasMessage("not JSON");
        assertThatThrownBy(() -> TwilioMediaCodec.decode("[1]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> TwilioMediaCodec.decode("{\"event\":\"nope\"}")).hasMessage("unknown event");
        assertThatThrownBy(() -> TwilioMediaCodec.decode("{\"event\":\"media\",\"streamSid\":\"" + SID
                + "\",\"media\":{\"payload\":\"@@@\"}}")).hasMessage("payload is not base64");
        assertThatThrownBy(() -> TwilioMediaCodec.decode("{\"event\":\"media\",\"streamSid\":\"" + SID
                + "\",\"media\":{\"payload\":\"\"}}")).hasMessage("media with an empty payload");
        assertThatThrownBy(() -> TwilioMediaCodec.decode("{\"event\":\"mark\",\"mark\":{\"name\":\"x\"}}"))
                .hasMessage("streamSid missing");
        assertThatThrownBy(() -> TwilioMediaCodec.decode("{\"event\":\"media\",\"sequenceNumber\":\"x\"}"))
                .hasMessage("not a number");
    }
}
