package io.apexvoice.gateway.tenants;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML mapping under validation. Reads typed fields by name; each problem is added to a shared error list as
 * {@code <path>.<field>: <message>} and the read returns {@code null} (or the default), so one pass reports every
 * problem. Messages never echo field values.
 */
final class ConfigMapping {

    private final JsonNode node;
    private final String path;
    private final List<String> errors;

    private ConfigMapping(JsonNode node, String path, List<String> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    /** Input: a node expected to be a mapping; output: a reader over it, or null (error recorded) when it is not. */
    static ConfigMapping of(JsonNode node, String path, List<String> errors) {
        if (node == null || !node.isObject()) {
            errors.add(path + ": must be a mapping");
            return null;
        }
        return new ConfigMapping(node, path, errors);
    }

    /** Input: one entry of a list under this mapping; output: a reader over it, or null (error recorded). */
    ConfigMapping listItem(JsonNode item, String itemPath) {
        return of(item, itemPath, errors);
    }

    String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    void error(String field, String message) {
        errors.add(path(field) + ": " + message);
    }

    /** Records every field not in {@code known} as unknown: a typo must never pass silently. */
    void rejectUnknownFields(Set<String> known) {
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!known.contains(entry.getKey())) {
                error(entry.getKey(), "unknown field");
            }
        }
    }

    boolean isAbsent(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull();
    }

    Set<Map.Entry<String, JsonNode>> entries() {
        return node.properties();
    }

    String requiredText(String field) {
        if (isAbsent(field)) {
            error(field, "required");
            return null;
        }
        return optionalText(field);
    }

    /** Output: the text, or null when absent, null, not a string or blank (the last two recorded as errors). */
    String optionalText(String field) {
        if (isAbsent(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isTextual()) {
            error(field, "must be a string");
            return null;
        }
        if (value.asText().isBlank()) {
            error(field, "must not be blank");
            return null;
        }
        return value.asText();
    }

    Integer requiredInt(String field, int min) {
        if (isAbsent(field)) {
            error(field, "required");
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            error(field, "must be an integer");
            return null;
        }
        if (value.intValue() < min) {
            error(field, "must be >= " + min);
            return null;
        }
        return value.intValue();
    }

    /** Output: the integer in {@code min..max}, or {@code defaultValue} when absent or wrong (the latter recorded). */
    int optionalInt(String field, int min, int max, int defaultValue) {
        Integer value = isAbsent(field) ? Integer.valueOf(defaultValue) : requiredInt(field, min);
        if (value != null && value > max) {
            error(field, "must be <= " + max);
            return defaultValue;
        }
        return value == null ? defaultValue : value;
    }

    /** Output: the value under {@code field} as it is (null when absent), for fields read by their own rules. */
    JsonNode raw(String field) {
        return isAbsent(field) ? null : node.get(field);
    }

    int optionalInt(String field, int min, int defaultValue) {
        if (isAbsent(field)) {
            return defaultValue;
        }
        Integer value = requiredInt(field, min);
        return value == null ? defaultValue : value;
    }

    boolean optionalBoolean(String field, boolean defaultValue) {
        if (isAbsent(field)) {
            return defaultValue;
        }
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            error(field, "must be true or false");
            return defaultValue;
        }
        return value.booleanValue();
    }

    /** Output: the mapping under {@code field}, or null when absent (no error) or not a mapping (error). */
    ConfigMapping optionalMapping(String field) {
        return isAbsent(field) ? null : of(node.get(field), path(field), errors);
    }

    ConfigMapping requiredMapping(String field) {
        if (isAbsent(field)) {
            error(field, "required");
            return null;
        }
        return optionalMapping(field);
    }

    /** Output: the list of nodes under {@code field}, or null when absent (no error) or not a list (error). */
    List<JsonNode> optionalList(String field) {
        if (isAbsent(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            error(field, "must be a list");
            return null;
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    /** Output: the non-blank strings under {@code field} (bad entries recorded and left out), or the default. */
    List<String> optionalTextList(String field, List<String> defaultValue) {
        List<JsonNode> items = optionalList(field);
        if (items == null) {
            return defaultValue;
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (item.isTextual() && !item.asText().isBlank()) {
                texts.add(item.asText());
            } else {
                error(field + "[" + i + "]", "must be a non-blank string");
            }
        }
        return texts;
    }
}
