package io.apexvoice.gateway.simulator.groq;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds the JSON of one completion (PROTOCOLS §5.2), all sharing its {@code id}, {@code created}, {@code model}
 * and {@code system_fingerprint}; the streamed chunks as their JSON text, the part they share written once per
 * completion (a "0 ms" provider should answer at once, not spend a serialisation per token):
 * <ul>
 *   <li>{@link #role()}: {@code delta {"role":"assistant","content":""}} plus {@code x_groq.id}</li>
 *   <li>{@link #piece(Piece)}: {@code delta {"content":token}}, or a tool call's first delta
 *       {@code {"tool_calls":[{"index","id","type":"function","function":{"name","arguments":""}}]}}, or one of its
 *       argument fragments {@code {"tool_calls":[{"index","function":{"arguments":fragment}}]}}</li>
 *   <li>{@link #finish(String, ObjectNode)}: empty delta, {@code finish_reason}, {@code x_groq.id} + {@code usage}</li>
 *   <li>{@link #usageOnly(ObjectNode)}: {@code choices []} + {@code usage} (sent only for {@code include_usage})</li>
 *   <li>{@link #completion(List, String, ObjectNode)}: the non-streamed {@code chat.completion}, its message's
 *       {@code content} null and {@code tool_calls} listed when the answer calls tools</li>
 * </ul>
 */
final class CompletionChunks {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String id;
    private final String requestId;
    private final long created;
    private final String model;
    private final String fingerprint;
    /** {@code {"id":…,"object":"chat.completion.chunk",…,"choices":[{"index":0,"delta":} — every chunk's start. */
    private final String chunkStart;

    CompletionChunks(String id, String requestId, long created, String model, String fingerprint) {
        this.id = id;
        this.requestId = requestId;
        this.created = created;
        this.model = model;
        this.fingerprint = fingerprint;
        String header = header("chat.completion.chunk").toString();
        this.chunkStart = header.substring(0, header.length() - 1) + ",\"choices\":[{\"index\":0,\"delta\":";
    }

    String role() {
        return chunk("{\"role\":\"assistant\",\"content\":\"\"}", null,
                NODES.objectNode().put("id", requestId));
    }

    String piece(Piece piece) {
        if (piece instanceof Piece.Content content) {
            return chunk("{\"content\":" + quoted(content.token()) + "}", null, null);
        }
        ObjectNode delta = NODES.objectNode();
        if (piece instanceof Piece.ToolCallStart start) {
            ObjectNode call = delta.putArray("tool_calls").addObject().put("index", start.index())
                    .put("id", start.id()).put("type", "function");
            call.putObject("function").put("name", start.name()).put("arguments", "");
        } else if (piece instanceof Piece.ToolArguments fragment) {
            delta.putArray("tool_calls").addObject().put("index", fragment.index())
                    .putObject("function").put("arguments", fragment.fragment());
        }
        return chunk(delta.toString(), null, null);
    }

    String finish(String finishReason, ObjectNode usage) {
        ObjectNode xGroq = NODES.objectNode().put("id", requestId);
        xGroq.set("usage", usage);
        return chunk("{}", finishReason, xGroq);
    }

    String usageOnly(ObjectNode usage) {
        ObjectNode chunk = header("chat.completion.chunk");
        chunk.putArray("choices");
        chunk.set("usage", usage);
        return chunk.toString();
    }

    ObjectNode completion(List<Piece> pieces, String finishReason, ObjectNode usage) {
        ObjectNode completion = header("chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        String text = Piece.text(pieces);
        List<ObjectNode> toolCalls = Piece.toolCalls(pieces);
        if (toolCalls.isEmpty() || !text.isEmpty()) {
            message.put("content", text);
        } else {
            message.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            message.putArray("tool_calls").addAll(toolCalls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        completion.set("usage", usage);
        completion.putObject("x_groq").put("id", requestId);
        return completion;
    }

    /**
     * Groq's usage object. Times are simulated from the token counts and the configured inter-token delay, in
     * seconds: queue 0.01, prompt 0.00005 per prompt token, completion = tokens × inter-token delay.
     */
    static ObjectNode usage(int promptTokens, int completionTokens, long interTokenDelayMs) {
        double queueTime = 0.01;
        double promptTime = promptTokens * 0.00005;
        double completionTime = completionTokens * interTokenDelayMs / 1000.0;
        return NODES.objectNode()
                .put("queue_time", queueTime)
                .put("prompt_tokens", promptTokens)
                .put("prompt_time", promptTime)
                .put("completion_tokens", completionTokens)
                .put("completion_time", completionTime)
                .put("total_tokens", promptTokens + completionTokens)
                .put("total_time", promptTime + completionTime);
    }

    /** One {@code chat.completion.chunk}: its delta (JSON), finish reason and {@code x_groq} (when not null). */
    private String chunk(String delta, String finishReason, ObjectNode xGroq) {
        StringBuilder chunk = new StringBuilder(chunkStart.length() + delta.length() + 64).append(chunkStart)
                .append(delta).append(",\"logprobs\":null,\"finish_reason\":")
                .append(finishReason == null ? "null" : quoted(finishReason)).append("}]");
        if (xGroq != null) {
            chunk.append(",\"x_groq\":").append(xGroq);
        }
        return chunk.append('}').toString();
    }

    /** {@code text} as a JSON string, escaped as Jackson writes it. */
    private static String quoted(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, quoted);
        return quoted.append('"').toString();
    }

    private ObjectNode header(String object) {
        return NODES.objectNode()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", model)
                .put("system_fingerprint", fingerprint);
    }
}
