package io.apexvoice.gateway.providers.groq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SseDecoder}: the same events however the body is cut into buffers. */
class SseDecoderTests {

    private static final String STREAM = "data: {\"content\":\"héllo – 😀\"}\r\n\r\n"
            + ": keep-alive\n\n"
            + "event: error\r\ndata: {\"error\":{\"message\":\"boom\"}}\r\n\r\n"
            + "data: line1\ndata: line2\n\n"
            + "id: 7\nretry: 100\ndata:no-space\n\n"
            + "event: ping\n\n"
            + "data: [DONE]\n\n";

    private static final List<SseDecoder.Event> EXPECTED = List.of(
            new SseDecoder.Event(null, "{\"content\":\"héllo – 😀\"}"),
            new SseDecoder.Event("error", "{\"error\":{\"message\":\"boom\"}}"),
            new SseDecoder.Event(null, "line1\nline2"),
            new SseDecoder.Event(null, "no-space"),
            new SseDecoder.Event(null, "[DONE]"));

    @Test
    void decodesTheEventsOfAWholeBody() {
        assertThat(decode(List.of(bytes(STREAM)))).isEqualTo(EXPECTED);
    }

    @Test
    void decodesTheSameEventsWhereverTheBodyIsCutInTwo() {
        byte[] body = bytes(STREAM);
        for (int cut = 0; cut <= body.length; cut++) {
            List<byte[]> pieces = List.of(Arrays.copyOfRange(body, 0, cut), Arrays.copyOfRange(body, cut, body.length));
            assertThat(decode(pieces)).as("cut at byte %d", cut).isEqualTo(EXPECTED);
        }
    }

    @Test
    void decodesTheSameEventsFedOneByteAtATime() {
        List<byte[]> pieces = new ArrayList<>();
        for (byte b : bytes(STREAM)) {
            pieces.add(new byte[] {b});
        }
        assertThat(decode(pieces)).isEqualTo(EXPECTED);
    }

    @Test
    void acceptsCarriageReturnsAloneAsLineEnds() {
        assertThat(decode(List.of(bytes("data: a\r\rdata: b\r\r"))))
                .containsExactly(new SseDecoder.Event(null, "a"), new SseDecoder.Event(null, "b"));
    }

    @Test
    void aCarriageReturnThenTextThenANewlineEndsTwoLinesWhereverTheBodyIsCut() {
        byte[] body = bytes("data: a\rdata: b\n\ndata: c\r\n\r\n");
        for (int cut = 0; cut <= body.length; cut++) {
            List<byte[]> pieces = List.of(Arrays.copyOfRange(body, 0, cut), Arrays.copyOfRange(body, cut, body.length));
            assertThat(decode(pieces)).as("cut at byte %d", cut)
                    .containsExactly(new SseDecoder.Event(null, "a\nb"), new SseDecoder.Event(null, "c"));
        }
    }

    @Test
    void dispatchesALastEventLeftWithoutItsBlankLineWhenTheBodyEnds() {
        assertThat(decode(List.of(bytes("data: x\n\ndata: [DONE]")))).containsExactly(
                new SseDecoder.Event(null, "x"), new SseDecoder.Event(null, "[DONE]"));
    }

    @Test
    void refusesAnEndlessLine() {
        SseDecoder decoder = new SseDecoder(event -> { });
        byte[] huge = new byte[SseDecoder.MAX_LINE_BYTES + 1];
        Arrays.fill(huge, (byte) 'a');

        assertThatThrownBy(() -> decoder.feed(huge)).isInstanceOf(SseDecoder.Malformed.class);
    }

    @Test
    void refusesALineThatGrowsPastTheLimitAcrossBuffers() {
        SseDecoder decoder = new SseDecoder(event -> { });
        byte[] half = new byte[SseDecoder.MAX_LINE_BYTES / 2];
        Arrays.fill(half, (byte) 'a');
        decoder.feed(half);
        decoder.feed(half);

        assertThatThrownBy(() -> decoder.feed(new byte[] {'a'})).isInstanceOf(SseDecoder.Malformed.class);
    }

    private static List<SseDecoder.Event> decode(List<byte[]> pieces) {
        List<SseDecoder.Event> events = new ArrayList<>();
        SseDecoder decoder = new SseDecoder(events::add);
        pieces.forEach(decoder::feed);
        decoder.finish();
        return events;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
