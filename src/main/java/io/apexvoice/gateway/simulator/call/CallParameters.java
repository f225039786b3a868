package io.apexvoice.gateway.simulator.call;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The form fields of Twilio's voice webhook (PROTOCOLS 1.1) and status callbacks (1.3), and its RFC 2822 dates.
 */
public final class CallParameters {

    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private CallParameters() {
    }

    /**
     * @param callStatus {@code ringing} for an inbound call, {@code in-progress} for an answered outbound call
     * @return the voice webhook's fields
     */
    public static Map<String, String> voice(CallIdentity call, String callStatus) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("AccountSid", call.accountSid());
        fields.put("ApiVersion", "2010-04-01");
        fields.put("CallSid", call.callSid());
        fields.put("CallStatus", callStatus);
        fields.put("Called", call.to());
        fields.put("CalledCountry", "US");
        fields.put("Caller", call.from());
        fields.put("CallerCountry", "US");
        fields.put("Direction", call.direction());
        fields.put("From", call.from());
        fields.put("FromCountry", "US");
        fields.put("To", call.to());
        fields.put("ToCountry", "US");
        return fields;
    }

    /**
     * @param sequence        0 for the first callback of the call, then +1
     * @param durationSeconds call duration for terminal events, or -1
     * @return a call-progress status callback's fields
     */
    public static Map<String, String> statusCallback(CallIdentity call, String callStatus, int sequence,
            long durationSeconds, Instant at) {
        Map<String, String> fields = voice(call, callStatus);
        fields.put("CallbackSource", "call-progress-events");
        fields.put("SequenceNumber", Integer.toString(sequence));
        fields.put("Timestamp", rfc2822(at));
        if (durationSeconds >= 0) {
            fields.put("CallDuration", Long.toString(durationSeconds));
            fields.put("Duration", Long.toString((durationSeconds + 59) / 60));
        }
        fields.put("SipResponseCode", switch (callStatus) {
            case "busy" -> "486";
            case "no-answer" -> "487";
            case "failed" -> "500";
            default -> "200";
        });
        return fields;
    }

    /** {@code Sun, 25 Mar 2018 09:53:19 +0000}. */
    public static String rfc2822(Instant at) {
        return RFC_2822.format(at);
    }
}
