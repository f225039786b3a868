package io.apexvoice.gateway.providers.groq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apexvoice.gateway.llm.LlmUsage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GroqChunk}: what each kind of stream event means (PROTOCOLS §5.2). */
class GroqChunkTests {

    private static final String USAGE = "{\"queue_time\":0.07,\"prompt_tokens\":23,\"completion_tokens\":19,"
            + "\"total_tokens\":42,\"total_time\":0.03}";

    @Test
    void readsTheContentDelta() {
        assertThat(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Sure\"},\"finish_reason\":null}]}"))
                .isEqualTo(new GroqChunk(false, "Sure", null, null, null, List.of()));
    }

    @Test
    void readsToolCallDeltasWithTheirIndexIdNameAndArgumentFragments() {
        GroqChunk first = chunk("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"\"}}]}}]}");
        GroqChunk fragment = chunk("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":"
                + "{\"arguments\":\"{\\\"a\\\"\"}}]}}]}");

        assertThat(first.toolCalls()).containsExactly(new GroqChunk.ToolCallDelta(0, "call_1", "lookup", ""));
        assertThat(first.content()).isEmpty();
        assertThat(fragment.toolCalls()).containsExactly(new GroqChunk.ToolCallDelta(1, null, null, "{\"a\""));
        assertThatThrownBy(() -> chunk("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"x\"}]}}]}"))
                .isInstanceOf(GroqChunk.Malformed.class);
    }

    @Test
    void treatsTheRoleChunkAndNullOrMissingContentAsNoText() {
        assertThat(chunk("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"x_groq\":{\"id\":\"r\"}}")
                .content()).isEmpty();
        assertThat(chunk("{\"choices\":[{\"delta\":{\"content\":null}}]}").content()).isEmpty();
        assertThat(chunk("{\"choices\":[{\"delta\":{}}]}").content()).isEmpty();
    }

    @Test
    void readsFinishReasonAndGroqUsageFromTheLastContentChunk() {
        GroqChunk last = chunk("{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"r\","
                + "\"usage\":" + USAGE + "}}");

        assertThat(last.finishReason()).isEqualTo("stop");
        assertThat(last.usage()).isEqualTo(new LlmUsage(23, 19, 42));
    }

    @Test
    void readsTheUsageChunkWithoutChoices() {
        GroqChunk usageOnly = chunk("{\"choices\":[],\"usage\":" + USAGE + "}");

        assertThat(usageOnly.content()).isEmpty();
        assertThat(usageOnly.usage()).isEqualTo(new LlmUsage(23, 19, 42));
    }

    @Test
    void recognisesTheEndOfTheStream() {
        assertThat(chunk("[DONE]").done()).isTrue();
    }

    @Test
    void readsErrorsSentAsAnErrorEventBareOrInXGroq() {
        String error = "{\"error\":{\"message\":\"over capacity\",\"type\":\"internal_server_error\"}}";

        assertThat(GroqChunk.of(new SseDecoder.Event("error", error)).error()).isEqualTo("over capacity");
        assertThat(chunk(error).error()).isEqualTo("over capacity");
        assertThat(chunk("{\"choices\":[],\"x_groq\":{\"error\":\"stopped early\"}}").error())
                .isEqualTo("stopped early");
        assertThat(GroqChunk.of(new SseDecoder.Event("error", "not json")).error()).isEqualTo("not json");
    }

    @Test
    void refusesDataThatIsNotAJsonObject() {
        assertThatThrownBy(() -> chunk("{\"choices\":")).isInstanceOf(GroqChunk.Malformed.class);
        assertThatThrownBy(() -> chunk("42")).isInstanceOf(GroqChunk.Malformed.class);
    }

    private static GroqChunk chunk(String data) {
        return GroqChunk.of(new SseDecoder.Event(null, data));
    }
}
