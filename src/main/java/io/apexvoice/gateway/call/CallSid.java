package io.apexvoice.gateway.call;

import java.util.regex.Pattern;

/** A Twilio call SID: {@code CA} followed by 32 hex digits. */
public record CallSid(String value) {

    private static final Pattern VALID = Pattern.compile("CA[0-9a-fA-F]{32}");

    public CallSid {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidIdentifierException("CallSid must be CA followed by 32 hex digits");
        }
    }

    public static CallSid of(String value) {
        return new CallSid(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
