package io.apexvoice.gateway.testsupport;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;

/** Fresh ids per test, so tests sharing one Redis never see each other's keys. */
public final class RandomIds {

    private RandomIds() {
    }

    /** @return a random valid tenant id like {@code t-3f9a0c12d4e5} */
    public static TenantId tenant() {
        return TenantId.of("t-" + hex(6));
    }

    /** @return a random valid call SID ({@code CA} + 32 hex digits) */
    public static CallSid callSid() {
        return CallSid.of("CA" + hex(16));
    }

    /** @return {@code count} random bytes */
    public static byte[] bytes(int count) {
        byte[] random = new byte[count];
        ThreadLocalRandom.current().nextBytes(random);
        return random;
    }

    private static String hex(int bytes) {
        return HexFormat.of().formatHex(bytes(bytes));
    }
}
