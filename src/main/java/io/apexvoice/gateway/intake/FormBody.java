package io.apexvoice.gateway.intake;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body decoded exactly once from its raw bytes, keeping every value
 * of a repeated name in arrival order (Twilio's signature covers all of them).
 */
public final class FormBody {

    private final Map<String, List<String>> values;

    private FormBody(Map<String, List<String>> values) {
        this.values = values;
    }

    public static FormBody empty() {
        return new FormBody(Map.of());
    }

    /**
     * @param raw the body as sent
     * @return the decoded fields
     * @throws IllegalArgumentException on a malformed percent escape, or a field that is not {@code name=value} (an
     *         empty one between two {@code &} included; trailing {@code &}s are ignored). Camel's platform-http
     *         binding parses the same body again after this filter and fails such a field with an unhandled
     *         exception (a 500 before the route runs), so it must never get that far; Twilio never sends one.
     */
    public static FormBody parse(byte[] raw) {
        return parse(new String(raw, StandardCharsets.ISO_8859_1), true);
    }

    /**
     * A query string the same way, but lenient as browsers and servlet containers are: a name without {@code =} is a
     * field with an empty value, empty fields are skipped.
     *
     * @throws IllegalArgumentException on a malformed percent escape
     */
    public static FormBody parseQuery(String query) {
        return parse(query, false);
    }

    private static FormBody parse(String body, boolean strict) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (!body.isEmpty()) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (strict && eq < 0) {
                    throw new IllegalArgumentException("form field without '='");
                }
                if (!pair.isEmpty()) {
                    values.computeIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), n -> new ArrayList<>())
                            .add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
                }
            }
        }
        values.replaceAll((name, list) -> List.copyOf(list));
        return new FormBody(Collections.unmodifiableMap(values));
    }

    /** The first value of a field, or null. */
    public String first(String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    public Map<String, List<String>> asMap() {
        return values;
    }

    private static String decode(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("malformed form encoding");
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("malformed form encoding");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
