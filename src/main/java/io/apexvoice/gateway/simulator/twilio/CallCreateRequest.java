package io.apexvoice.gateway.simulator.twilio;

import io.vertx.core.MultiMap;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated {@code POST …/Calls.json} form (PROTOCOLS 3.1), checked in Twilio's order with Twilio's errors:
 * <ul>
 *   <li>{@code To} missing → 21201; not E.164, {@code client:} or {@code sip:}, or on the simulator's invalid list →
 *       21211 "The 'To' number … is not a valid phone number."</li>
 *   <li>{@code From} missing → 21213; not E.164 or {@code client:} → 21212</li>
 *   <li>none of {@code Url}, {@code Twiml}, {@code ApplicationSid} → 21205 "Url parameter is required."; {@code Url}
 *       not absolute http(s) → 21205; {@code StatusCallback} not absolute http(s) → 21609</li>
 *   <li>[U] {@code Method}/{@code StatusCallbackMethod}/{@code AsyncAmdStatusCallbackMethod} not GET/POST,
 *       {@code Timeout} outside 1–600, {@code MachineDetection} not {@code Enable}/{@code DetectMessageEnd},
 *       {@code MachineDetectionTimeout} outside 3–59, {@code AsyncAmd} not {@code true}/{@code false},
 *       {@code AsyncAmdStatusCallback} not absolute http(s), an unknown {@code StatusCallbackEvent} → 20001</li>
 * </ul>
 * {@code StatusCallbackEvent} must be repeated once per event. A single space-joined value
 * ({@code "initiated ringing"}) is not an error at Twilio: the events are silently dropped (PROTOCOLS 1.3). The
 * simulator does the same, so with no usable event only {@code completed} is sent. When both {@code Url} and
 * {@code Twiml} are given, {@code Twiml} is ignored.
 *
 * @param events the subscribed status callback events ({@code completed} when none was given)
 * @param machineDetection {@code Enable}, {@code DetectMessageEnd}, or null when AMD is off
 * @param machineDetectionTimeoutSeconds AMD gives up with {@code unknown} after this (default 30)
 * @param asyncAmd the AMD result goes to {@code asyncAmdStatusCallback} while the call runs, instead of holding
 *                 the voice webhook until it is known
 */
record CallCreateRequest(String to, String from, URI url, String method, String twiml, String applicationSid,
        URI statusCallback, String statusCallbackMethod, Set<String> events, int timeoutSeconds,
        String machineDetection, int machineDetectionTimeoutSeconds, boolean asyncAmd, URI asyncAmdStatusCallback,
        String asyncAmdStatusCallbackMethod) {

    static final Set<String> EVENTS = Set.of("initiated", "ringing", "answered", "completed");
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{1,14}");
    private static final Pattern CLIENT = Pattern.compile("client:[A-Za-z0-9_.-]{1,256}");
    private static final Pattern SIP = Pattern.compile("sip:[^\\s@]+@[^\\s]+");
    private static final Pattern APPLICATION_SID = Pattern.compile("AP[0-9a-fA-F]{32}");

    /**
     * @param form           the parsed form body
     * @param invalidNumbers numbers the simulator treats as invalid (21211)
     * @throws RestError the first problem found, as Twilio reports it
     */
    static CallCreateRequest parse(MultiMap form, List<String> invalidNumbers) {
        String to = trimmed(form.get("To"));
        if (to == null) {
            throw new RestError(400, 21201, "No 'To' number is specified");
        }
        if (!(E164.matcher(to).matches() || CLIENT.matcher(to).matches() || SIP.matcher(to).matches())
                || invalidNumbers.contains(to)) {
            throw new RestError(400, 21211, "The 'To' number " + to + " is not a valid phone number.");
        }
        String from = trimmed(form.get("From"));
        if (from == null) {
            throw new RestError(400, 21213, "No 'From' number is specified");
        }
        if (!(E164.matcher(from).matches() || CLIENT.matcher(from).matches())) {
            throw new RestError(400, 21212, "The 'From' number " + from
                    + " is not a valid phone number, shortcode, or alphanumeric sender ID.");
        }
        String urlText = trimmed(form.get("Url"));
        String twiml = trimmed(form.get("Twiml"));
        String applicationSid = trimmed(form.get("ApplicationSid"));
        if (urlText == null && twiml == null && applicationSid == null) {
            throw new RestError(400, 21205, "Url parameter is required.");
        }
        URI url = urlText == null ? null : httpUrl(urlText, 21205, "Url");
        if (applicationSid != null && !APPLICATION_SID.matcher(applicationSid).matches()) {
            throw RestError.invalidParameter("ApplicationSid must be AP followed by 32 hex digits");
        }
        String callback = trimmed(form.get("StatusCallback"));
        return new CallCreateRequest(to, from, url, method(form, "Method"), url == null ? twiml : null,
                applicationSid, callback == null ? null : httpUrl(callback, 21609, "StatusCallback"),
                method(form, "StatusCallbackMethod"), events(form.getAll("StatusCallbackEvent")),
                timeout(form.get("Timeout")), machineDetection(form.get("MachineDetection")),
                amdTimeout(form.get("MachineDetectionTimeout")), asyncAmd(form.get("AsyncAmd")),
                amdCallback(form.get("AsyncAmdStatusCallback")), method(form, "AsyncAmdStatusCallbackMethod"));
    }

    /** What stands for the create request of an inbound call: no callbacks, no AMD, no TwiML of its own. */
    static CallCreateRequest inbound(String to, String from) {
        return new CallCreateRequest(to, from, null, "POST", null, null, null, "POST", Set.of("completed"), 60, null,
                30, false, null, "POST");
    }

    boolean subscribed(String event) {
        return events.contains(event);
    }

    private static Set<String> events(List<String> values) {
        Set<String> events = new LinkedHashSet<>();
        for (String value : values) {
            String event = value.trim();
            if (event.isEmpty() || event.contains(" ")) {
                continue;
            }
            if (!EVENTS.contains(event)) {
                throw RestError.invalidParameter("StatusCallbackEvent '" + event
                        + "' is not one of initiated, ringing, answered, completed");
            }
            events.add(event);
        }
        if (events.isEmpty()) {
            events.add("completed");
        }
        return Set.copyOf(events);
    }

    /** The form's {@code name} as an HTTP method: {@code POST} when absent; 20001 unless GET or POST. */
    static String method(MultiMap form, String name) {
        String method = trimmed(form.get(name));
        if (method == null) {
            return "POST";
        }
        if (!method.equals("GET") && !method.equals("POST")) {
            throw RestError.invalidParameter(name + " must be GET or POST");
        }
        return method;
    }

    private static int timeout(String value) {
        if (value == null || value.isBlank()) {
            return 60;
        }
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds >= 1 && seconds <= 600) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            throw RestError.invalidParameter("Timeout must be a whole number of seconds between 1 and 600");
        }
        throw RestError.invalidParameter("Timeout must be a whole number of seconds between 1 and 600");
    }

    private static String machineDetection(String value) {
        String mode = trimmed(value);
        if (mode != null && !mode.equals("Enable") && !mode.equals("DetectMessageEnd")) {
            throw RestError.invalidParameter("MachineDetection must be Enable or DetectMessageEnd");
        }
        return mode;
    }

    private static int amdTimeout(String value) {
        String seconds = trimmed(value);
        if (seconds == null) {
            return 30;
        }
        if (seconds.matches("\\d{1,2}") && Integer.parseInt(seconds) >= 3 && Integer.parseInt(seconds) <= 59) {
            return Integer.parseInt(seconds);
        }
        throw RestError.invalidParameter("MachineDetectionTimeout must be a whole number of seconds between 3 and 59");
    }

    private static boolean asyncAmd(String value) {
        String flag = trimmed(value);
        if (flag != null && !flag.equals("true") && !flag.equals("false")) {
            throw RestError.invalidParameter("AsyncAmd must be true or false");
        }
        return "true".equals(flag);
    }

    private static URI amdCallback(String value) {
        String url = trimmed(value);
        return url == null ? null : httpUrl(url, 20001, "AsyncAmdStatusCallback");
    }

    /** {@code value} as an absolute http(s) URL; else Twilio's error {@code code} naming the parameter. */
    static URI httpUrl(String value, int code, String name) {
        try {
            URI uri = new URI(value);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            throw new RestError(400, code, name + " is not a valid URL: " + value);
        }
        throw new RestError(400, code, name + " is not a valid URL: " + value);
    }

    /** {@code value} trimmed; null when absent or blank. */
    static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
