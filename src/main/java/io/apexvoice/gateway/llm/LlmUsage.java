package io.apexvoice.gateway.llm;

/**
 * Token counts of one completion as the provider reported them; {@value #NOT_REPORTED} where it did not.
 *
 * @param promptTokens     tokens of the messages sent
 * @param completionTokens tokens of the reply
 * @param totalTokens      both together
 */
public record LlmUsage(int promptTokens, int completionTokens, int totalTokens) {

    public static final int NOT_REPORTED = -1;

    /** The provider reported no usage. */
    public static final LlmUsage UNKNOWN = new LlmUsage(NOT_REPORTED, NOT_REPORTED, NOT_REPORTED);

    public boolean known() {
        return totalTokens != NOT_REPORTED;
    }
}
