package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.media.TwilioMessage.Media;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte-level fast path must mean exactly what the full parser means: for every frame it either declines or
 * gives the parser's message. Checked on Twilio's frames in several shapes and on many thousands of mutants of them.
 */
class MediaFrameScannerTests {

    private static final String SID = "MZ00000000000000000000000000000001";

    private static String twilioFrame(long sequence, long chunk, byte[] audio) {
        return "{\"event\":\"media\",\"sequenceNumber\":\"" + sequence + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\""
                + chunk + "\",\"timestamp\":\"" + chunk * 20 + "\",\"payload\":\""
                + Base64.getEncoder().encodeToString(audio) + "\"},\"streamSid\":\"" + SID + "\"}";
    }

    @Test
    void readsTwilioMediaFramesWithoutTheParserAndAgreesWithIt() throws Exception {
        byte[] audio = new byte[160];
        new Random(7).nextBytes(audio);
        String[] frames = {
            twilioFrame(3, 2, audio),
            " {\n \"streamSid\" : \"" + SID + "\", \"event\":\"media\", \"media\":{\"payload\":\""
                + Base64.getEncoder().encodeToString(audio) + "\", \"chunk\":7},\"sequenceNumber\":9}\n",
            TwilioMediaCodec.encode(Media.outbound(SID, audio)),
            twilioFrame(1, 1, new byte[] {1}),
            twilioFrame(1, 1, new byte[] {1, 2}),
        };
        for (String frame : frames) {
            byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
            Media fast = MediaFrameScanner.scan(bytes, 0, bytes.length, null);
            assertThat(fast).as(frame).isNotNull();
            assertSame((Media) TwilioMediaCodec.decode(frame), fast, frame);
        }
        Media first = (Media) TwilioMediaCodec.decode(frames[0].getBytes(StandardCharsets.UTF_8), 0,
                frames[0].length(), SID);
        assertThat(first.payload()).isEqualTo(audio);
        assertThat(first.streamSid()).isSameAs(SID);
    }

    @Test
    void declinesWhatItDoesNotKnowSoTheParserDecides() {
        for (String frame : new String[] {
            "{\"event\":\"mark\",\"streamSid\":\"" + SID + "\",\"mark\":{\"name\":\"m\"}}",
            "{\"event\":\"media\",\"streamSid\":\"MZ\\u0031\",\"media\":{\"payload\":\"fn5+\"}}",
            "{\"event\":\"media\",\"streamSid\":\"" + SID + "\",\"media\":{\"payload\":\"fn5\"}} trailing",
            "{\"event\":\"media\",\"streamSid\":\"" + SID + "\",\"media\":{\"payload\":\"f===\"}}",
            "{\"event\":\"media\",\"streamSid\":\"" + SID + "\",\"media\":{\"payload\":\"\"}}",
            "{\"event\":\"media\",\"streamSid\":\"" + SID + "\",\"sequenceNumber\":\"-1\",\"media\":{\"payload\":\"fn5+\"}}",
            "{\"event\":\"media\",\"streamSid\":\"" + SID + "\",\"sequenceNumber\":01,\"media\":{\"payload\":\"fn5+\"}}",
            "{\"event\":\"media\",\"streamSid\":\"" + SID + "\",\"media\":{\"payload\":\"fn5+\"},"
                + "\"media\":{\"track\":\"inbound\"}}",
        }) {
            byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
            assertThat(MediaFrameScanner.scan(bytes, 0, bytes.length, null)).as(frame).isNull();
        }
    }

    @Test
    void agreesWithTheParserOnTwentyThousandMutants() {
        Random random = new Random(20261204);
        byte[] audio = new byte[12];
        String alphabet = "{}[]\":,\\ \n0123456789-+.eE=/AZaz~\u00e9";
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            random.nextBytes(audio);
            StringBuilder frame = new StringBuilder(twilioFrame(random.nextInt(100), random.nextInt(100), audio));
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(frame.length());
                switch (random.nextInt(4)) {
                    case 0 -> frame.deleteCharAt(at);
                    case 1 -> frame.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 2 -> frame.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> {
                        int to = Math.min(frame.length(), at + 1 + random.nextInt(12));
                        frame.insert(at, frame.substring(at, to));
                    }
                }
            }
            String text = frame.toString();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            Media fast = MediaFrameScanner.scan(bytes, 0, bytes.length, null);
            TwilioMessage reference;
            try {
                reference = TwilioMediaCodec.decode(text);
            } catch (MalformedMessageException e) {
                assertThat(fast).as("refused by the parser (%s) but read by the scanner: %s", e.kind(), text).isNull();
                continue;
            }
            if (fast != null) {
                accepted++;
                assertThat(reference).as(text).isInstanceOf(Media.class);
                assertSame((Media) reference, fast, text);
            }
        }
        assertThat(accepted).as("mutants the fast path still read").isGreaterThan(1_000);
    }

    private static void assertSame(Media expected, Media actual, String frame) {
        assertThat(actual.sequenceNumber()).as(frame).isEqualTo(expected.sequenceNumber());
        assertThat(actual.streamSid()).as(frame).isEqualTo(expected.streamSid());
        assertThat(actual.track()).as(frame).isEqualTo(expected.track());
        assertThat(actual.chunk()).as(frame).isEqualTo(expected.chunk());
        assertThat(actual.timestamp()).as(frame).isEqualTo(expected.timestamp());
        assertThat(actual.payload()).as(frame).isEqualTo(expected.payload());
    }
}
