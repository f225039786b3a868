package io.apexvoice.gateway.simulator.groq;

import java.util.concurrent.ThreadLocalRandom;

/** The ids the simulator makes up, shaped like the real API's. */
final class RandomIds {

    private RandomIds() {
    }

    /** Groq-looking request id: {@code req_01} + 24 lowercase base-32 characters. */
    static String request() {
        return random("req_01", "0123456789abcdefghjkmnpqrstvwxyz");
    }

    /** OpenAI-looking tool call id: {@code call_} + 24 letters and digits. */
    static String toolCall() {
        return random("call_", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    }

    private static String random(String prefix, String alphabet) {
        StringBuilder id = new StringBuilder(prefix);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 24; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
