package io.apexvoice.gateway.simulator.groq;

import java.util.UUID;
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

    /**
     * A version 4 UUID as text, like {@link UUID#randomUUID()} but from {@link ThreadLocalRandom}: an id that only
     * needs to look unique, without a {@code SecureRandom} read per completion.
     */
    static String uuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() & ~0xF000L | 0x4000L,
                random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
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
