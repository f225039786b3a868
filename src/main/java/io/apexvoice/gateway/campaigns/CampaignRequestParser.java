package io.apexvoice.gateway.campaigns;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Validates a whole {@code POST …/campaigns} body before anything is queued (SPEC §7): every problem is collected
 * with its field path ({@code contacts[7].to: not an E.164 number}), so the caller fixes the file once. Limits:
 * name 1-100 characters, priority an integer 0-9, 1 to {@code maxContacts} contacts, numbers in E.164 and not
 * repeated, at most 20 variables per contact with names {@code [A-Za-z_][A-Za-z0-9_]{0,39}} (not the reserved
 * stream parameter names) and text values up to 256 characters, a window of {@code HH:mm} start and end with an
 * optional IANA {@code timeZone} (default: the tenant's), an optional {@code voicemail} ({@code policy} {@code leave}
 * (the default, with a {@code message} of 1 to {@value Voicemail#MAX_MESSAGE} characters) or {@code hangup}).
 * Unknown fields are problems too.
 */
public final class CampaignRequestParser {

    static final int MAX_NAME = 100;
    static final int MAX_VARIABLES = 20;
    static final int MAX_VALUE = 256;
    /** Problems listed in one answer; the rest are counted. */
    static final int MAX_LISTED = 100;
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");
    private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Set<String> RESERVED = Set.of("tenant", "token");
    private static final Set<String> FIELDS = Set.of("name", "priority", "contacts", "window", "voicemail");
    private static final Set<String> CONTACT_FIELDS = Set.of("to", "variables");
    private static final Set<String> WINDOW_FIELDS = Set.of("start", "end", "timeZone");
    private static final Set<String> VOICEMAIL_FIELDS = Set.of("message", "policy");

    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    private final int maxContacts;

    /** @param maxContacts most contacts one request may carry */
    public CampaignRequestParser(int maxContacts) {
        this.maxContacts = maxContacts;
    }

    /**
     * @param body            the request body
     * @param tenantTimeZone  zone of a window that names none
     * @return the campaign; any problem → {@link InvalidCampaignException} listing them all
     */
    public NewCampaign parse(byte[] body, ZoneId tenantTimeZone) {
        Problems problems = new Problems();
        JsonNode root = readTree(body, problems);
        if (root == null) {
            throw new InvalidCampaignException(problems.list(), problems.total);
        }
        unknownFields(root, FIELDS, "", problems);
        String name = text(root, "name", "name", problems);
        if (name != null && (name.isBlank() || name.length() > MAX_NAME)) {
            problems.add("name", "must be 1 to " + MAX_NAME + " characters");
        }
        JsonNode priorityNode = root.get("priority");
        int priority = 0;
        if (priorityNode == null || priorityNode.isNull()) {
            problems.add("priority", "required");
        } else if (!priorityNode.isIntegralNumber() || priorityNode.asInt() < CampaignJob.MIN_PRIORITY
                || priorityNode.asInt() > CampaignJob.MAX_PRIORITY) {
            problems.add("priority", "must be an integer from 0 to 9");
        } else {
            priority = priorityNode.asInt();
        }
        List<NewCampaign.Contact> contacts = contacts(root.get("contacts"), problems);
        CallingWindow window = window(root.get("window"), tenantTimeZone, problems);
        Voicemail voicemail = voicemail(root.get("voicemail"), problems);
        if (problems.total > 0) {
            throw new InvalidCampaignException(problems.list(), problems.total);
        }
        return new NewCampaign(name.strip(), priority, contacts, window, voicemail);
    }

    private JsonNode readTree(byte[] body, Problems problems) {
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !root.isObject()) {
                problems.add("(body)", "must be a JSON object");
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            problems.add("(body)", "not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
            return null;
        } catch (IOException e) {
            problems.add("(body)", "unreadable");
            return null;
        }
    }

    private List<NewCampaign.Contact> contacts(JsonNode node, Problems problems) {
        List<NewCampaign.Contact> contacts = new ArrayList<>();
        if (node == null || node.isNull()) {
            problems.add("contacts", "required");
            return contacts;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > maxContacts) {
            problems.add("contacts", "must be a list of 1 to " + maxContacts + " contacts");
            if (!node.isArray()) {
                return contacts;
            }
        }
        Map<String, Integer> firstRow = new HashMap<>();
        for (int i = 0; i < node.size() && i < maxContacts; i++) {
            String path = "contacts[" + i + "]";
            JsonNode contact = node.get(i);
            if (!contact.isObject()) {
                problems.add(path, "must be an object with to and variables");
                continue;
            }
            unknownFields(contact, CONTACT_FIELDS, path + ".", problems);
            String to = text(contact, "to", path + ".to", problems);
            if (to != null && !E164.matcher(to).matches()) {
                problems.add(path + ".to", "not an E.164 number (+ and 7 to 15 digits)");
                to = null;
            }
            if (to != null) {
                Integer first = firstRow.putIfAbsent(to, i);
                if (first != null) {
                    problems.add(path + ".to", "duplicate of contacts[" + first + "]");
                }
            }
            Map<String, String> variables = variables(contact.get("variables"), path + ".variables", problems);
            if (to != null) {
                contacts.add(new NewCampaign.Contact(to, variables));
            }
        }
        return contacts;
    }

    private Map<String, String> variables(JsonNode node, String path, Problems problems) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return variables;
        }
        if (!node.isObject() || node.size() > MAX_VARIABLES) {
            problems.add(path, "must be an object of at most " + MAX_VARIABLES + " name: text pairs");
            return variables;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            if (!VARIABLE.matcher(name).matches() || RESERVED.contains(name)) {
                problems.add(path + "." + name, "variable names match [A-Za-z_][A-Za-z0-9_]{0,39} and are not "
                        + RESERVED);
            } else if (!(value.isTextual() || value.isNumber() || value.isBoolean())
                    || value.asText().length() > MAX_VALUE) {
                problems.add(path + "." + name, "must be text (or a number) of at most " + MAX_VALUE + " characters");
            } else {
                variables.put(name, value.asText());
            }
        }
        return variables;
    }

    private CallingWindow window(JsonNode node, ZoneId tenantTimeZone, Problems problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("window", "must be an object with start, end and an optional timeZone");
            return null;
        }
        unknownFields(node, WINDOW_FIELDS, "window.", problems);
        LocalTime start = time(node, "start", problems);
        LocalTime end = time(node, "end", problems);
        ZoneId zone = tenantTimeZone;
        JsonNode zoneNode = node.get("timeZone");
        if (zoneNode != null && !zoneNode.isNull()) {
            try {
                zone = ZoneId.of(zoneNode.asText());
            } catch (DateTimeException e) {
                problems.add("window.timeZone", "unknown time zone (use an IANA id such as America/New_York)");
                return null;
            }
        }
        if (start == null || end == null) {
            return null;
        }
        if (start.equals(end)) {
            problems.add("window", "start and end must differ");
            return null;
        }
        return new CallingWindow(start, end, zone);
    }

    private static Voicemail voicemail(JsonNode node, Problems problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add("voicemail", "must be an object with a message and a policy (leave or hangup)");
            return null;
        }
        unknownFields(node, VOICEMAIL_FIELDS, "voicemail.", problems);
        Voicemail.Policy policy = Voicemail.Policy.leave;
        JsonNode policyNode = node.get("policy");
        if (policyNode != null && !policyNode.isNull()) {
            try {
                policy = Voicemail.Policy.valueOf(policyNode.isTextual() ? policyNode.asText() : "");
            } catch (IllegalArgumentException e) {
                problems.add("voicemail.policy", "must be leave or hangup");
                return null;
            }
        }
        JsonNode messageNode = node.get("message");
        String message = null;
        if (messageNode != null && !messageNode.isNull()) {
            if (!messageNode.isTextual() || messageNode.asText().isBlank()
                    || messageNode.asText().length() > Voicemail.MAX_MESSAGE) {
                problems.add("voicemail.message", "must be text of 1 to " + Voicemail.MAX_MESSAGE + " characters");
                return null;
            }
            message = messageNode.asText().strip();
        } else if (policy == Voicemail.Policy.leave) {
            problems.add("voicemail.message", "required with policy leave");
            return null;
        }
        return new Voicemail(message, policy);
    }

    private static LocalTime time(JsonNode window, String field, Problems problems) {
        JsonNode node = window.get(field);
        if (node == null || !node.isTextual() || !HH_MM.matcher(node.asText()).matches()) {
            problems.add("window." + field, "must be HH:mm (24-hour)");
            return null;
        }
        try {
            return LocalTime.parse(node.asText(), DateTimeFormatter.ofPattern("HH:mm"));
        } catch (DateTimeParseException e) {
            problems.add("window." + field, "must be HH:mm (24-hour)");
            return null;
        }
    }

    private static String text(JsonNode parent, String field, String path, Problems problems) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            problems.add(path, "required");
            return null;
        }
        if (!node.isTextual()) {
            problems.add(path, "must be text");
            return null;
        }
        return node.asText();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String pathPrefix, Problems problems) {
        node.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                problems.add(pathPrefix + field, "unknown field");
            }
        });
    }

    /** Collected problems: the first {@value #MAX_LISTED} verbatim, then only counted. */
    private static final class Problems {
        private final List<String> listed = new ArrayList<>();
        private int total;

        void add(String path, String problem) {
            total++;
            if (listed.size() < MAX_LISTED) {
                listed.add(path + ": " + problem);
            }
        }

        List<String> list() {
            return listed;
        }
    }
}
