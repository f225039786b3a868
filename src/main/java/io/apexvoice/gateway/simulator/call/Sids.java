package io.apexvoice.gateway.simulator.call;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Fresh Twilio identifiers: a two-letter prefix and 32 lowercase hex digits. */
public final class Sids {

    private Sids() {
    }

    /** @return a new call SID, {@code CA} + 32 hex */
    public static String call() {
        return random("CA");
    }

    /** @return a new media stream SID, {@code MZ} + 32 hex */
    public static String stream() {
        return random("MZ");
    }

    private static String random(String prefix) {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
