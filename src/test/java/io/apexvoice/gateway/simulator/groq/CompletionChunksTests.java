package io.apexvoice.gateway.simulator.groq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CompletionChunks}: each streamed chunk is, byte for byte, the JSON Jackson writes for the same object. */
class CompletionChunksTests {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final CompletionChunks CHUNKS = new CompletionChunks("chatcmpl-1f0c", "req_01abc", 1765000000L,
            "llama-3.3-70b-versatile", "fp_5f0ff4f1a8");

    @Test
    void aContentChunkIsTheJsonOfItsObjectWhateverTheToken() {
        for (String token : List.of("Hello", " there", "", "\"quoted\"", "back\\slash", "line\nbreak\ttab\r",
                "\u0001\u001f control", "héllo – 😀", "</script>", "a/b")) {
            assertThat(CHUNKS.piece(new Piece.Content(token)))
                    .isEqualTo(chunk(NODES.objectNode().put("content", token), null).toString());
        }
    }

    @Test
    void theRoleAndFinishChunksCarryTheRequestIdAndUsage() {
        ObjectNode role = chunk(NODES.objectNode().put("role", "assistant").put("content", ""), null);
        role.putObject("x_groq").put("id", "req_01abc");
        ObjectNode usage = CompletionChunks.usage(120, 14, 0);
        ObjectNode finish = chunk(NODES.objectNode(), "stop");
        finish.putObject("x_groq").put("id", "req_01abc").set("usage", usage);

        assertThat(CHUNKS.role()).isEqualTo(role.toString());
        assertThat(CHUNKS.finish("stop", usage)).isEqualTo(finish.toString());
    }

    @Test
    void toolCallChunksAreTheJsonOfTheirObjects() {
        ObjectNode start = NODES.objectNode();
        start.putArray("tool_calls").addObject().put("index", 0).put("id", "call_1").put("type", "function")
                .putObject("function").put("name", "endCall").put("arguments", "");
        ObjectNode fragment = NODES.objectNode();
        fragment.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", "{\"a\":");

        assertThat(CHUNKS.piece(new Piece.ToolCallStart(0, "call_1", "endCall")))
                .isEqualTo(chunk(start, null).toString());
        assertThat(CHUNKS.piece(new Piece.ToolArguments(0, "{\"a\":"))).isEqualTo(chunk(fragment, null).toString());
    }

    /** The chunk as the simulator built it before it wrote the shared part once. */
    private static ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = NODES.objectNode().put("id", "chatcmpl-1f0c").put("object", "chat.completion.chunk")
                .put("created", 1765000000L).put("model", "llama-3.3-70b-versatile")
                .put("system_fingerprint", "fp_5f0ff4f1a8");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return chunk;
    }
}
