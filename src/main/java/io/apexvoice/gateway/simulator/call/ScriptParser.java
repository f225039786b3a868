package io.apexvoice.gateway.simulator.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a caller script from YAML or JSON. The document is a list of steps, or an object with a {@code steps}
 * list; each step is a one-key object or the bare word {@code hangup} / {@code waitForAgent}:
 * <pre>
 * - waitForAgent: { timeoutMs: 8000, settleMs: 250 }   # both optional
 * - say: "What are your opening hours?"
 * - silence: 300                                        # milliseconds
 * - wav: audio/question.wav                             # relative to the script file
 * - dtmf: "12#"
 * - bargeIn: { afterMs: 400, say: "Wait, stop", timeoutMs: 8000 }
 * - hangup
 * </pre>
 * Every problem is reported together, each with its path ({@code steps[2].bargeIn.say: required}).
 */
public final class ScriptParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DIGITS = Pattern.compile("[0-9*#]{1,32}");
    private static final Set<String> WAIT_FIELDS = Set.of("timeoutMs", "settleMs");
    private static final Set<String> BARGE_FIELDS = Set.of("afterMs", "say", "timeoutMs");
    private static final long MAX_MS = 600_000;

    private ScriptParser() {
    }

    /** @throws IllegalArgumentException listing every problem, or when the file cannot be read */
    public static CallerScript parse(Path file) {
        try {
            return parse(Files.readString(file), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param text    the YAML or JSON document
     * @param baseDir where relative {@code wav} paths are resolved
     * @throws IllegalArgumentException listing every problem
     */
    public static CallerScript parse(String text, Path baseDir) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("script is neither YAML nor JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        JsonNode list = root != null && root.isObject() ? root.get("steps") : root;
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("script: a non-empty list of steps is required");
        }
        List<String> problems = new ArrayList<>();
        List<ScriptStep> steps = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ScriptStep step = step(list.get(i), "steps[" + i + "]", baseDir, problems);
            if (step != null) {
                steps.add(step);
            }
        }
        if (problems.isEmpty()) {
            try {
                return new CallerScript(steps);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        throw new IllegalArgumentException("invalid script: " + String.join("; ", problems));
    }

    private static ScriptStep step(JsonNode node, String path, Path baseDir, List<String> problems) {
        if (node.isTextual() && node.asText().equals("hangup")) {
            return new ScriptStep.Hangup();
        }
        if (node.isTextual() && node.asText().equals("waitForAgent")) {
            return CallerScript.waitForAgent();
        }
        if (!node.isObject() || node.size() != 1) {
            problems.add(path + ": expected one of say, silence, wav, dtmf, waitForAgent, bargeIn, hangup");
            return null;
        }
        Map.Entry<String, JsonNode> entry = node.fields().next();
        String at = path + "." + entry.getKey();
        JsonNode value = entry.getValue();
        int before = problems.size();
        ScriptStep step = switch (entry.getKey()) {
            case "say" -> new ScriptStep.Say(text(value, at, problems));
            case "silence" -> new ScriptStep.Silence(millis(value, at, 1, problems));
            case "wav" -> audio(value, at, baseDir, problems);
            case "dtmf" -> new ScriptStep.Dtmf(digits(value, at, problems));
            case "waitForAgent" -> waitForAgent(value, at, problems);
            case "bargeIn" -> bargeIn(value, at, problems);
            case "hangup" -> new ScriptStep.Hangup();
            default -> {
                problems.add(path + ": unknown step '" + entry.getKey() + "'");
                yield null;
            }
        };
        return problems.size() == before ? step : null;
    }

    private static ScriptStep waitForAgent(JsonNode value, String at, List<String> problems) {
        if (value == null || value.isNull() || value.isBoolean()) {
            return CallerScript.waitForAgent();
        }
        if (!fieldsOk(value, at, WAIT_FIELDS, problems)) {
            return null;
        }
        return new ScriptStep.WaitForAgent(
                optionalMillis(value, "timeoutMs", at, CallerScript.DEFAULT_AGENT_TIMEOUT, problems),
                optionalMillis(value, "settleMs", at, CallerScript.DEFAULT_SETTLE, problems));
    }

    private static ScriptStep bargeIn(JsonNode value, String at, List<String> problems) {
        if (!fieldsOk(value, at, BARGE_FIELDS, problems)) {
            return null;
        }
        return new ScriptStep.BargeIn(optionalMillis(value, "afterMs", at, Duration.ZERO, problems),
                text(value.get("say"), at + ".say", problems),
                optionalMillis(value, "timeoutMs", at, CallerScript.DEFAULT_AGENT_TIMEOUT, problems));
    }

    private static ScriptStep audio(JsonNode value, String at, Path baseDir, List<String> problems) {
        String name = text(value, at, problems);
        if (name == null) {
            return null;
        }
        Path file = baseDir == null ? Path.of(name) : baseDir.resolve(name);
        try {
            return new ScriptStep.Audio(name, WavAudio.read(file));
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean fieldsOk(JsonNode value, String at, Set<String> allowed, List<String> problems) {
        if (value == null || !value.isObject()) {
            problems.add(at + ": expected an object with " + allowed);
            return false;
        }
        boolean ok = true;
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problems.add(at + "." + name + ": unknown field");
                ok = false;
            }
        }
        return ok;
    }

    private static String text(JsonNode value, String at, List<String> problems) {
        if (value == null || !value.isValueNode() || value.isNull() || value.asText().isBlank()) {
            problems.add(at + ": required (text)");
            return null;
        }
        if (value.asText().length() > 2000) {
            problems.add(at + ": longer than 2000 characters");
            return null;
        }
        return value.asText();
    }

    private static String digits(JsonNode value, String at, List<String> problems) {
        String digits = value != null && value.isValueNode() ? value.asText() : "";
        if (!DIGITS.matcher(digits).matches()) {
            problems.add(at + ": 1 to 32 of 0-9 * #");
            return null;
        }
        return digits;
    }

    private static Duration optionalMillis(JsonNode object, String field, String at, Duration fallback,
            List<String> problems) {
        JsonNode value = object.get(field);
        return value == null ? fallback : millis(value, at + "." + field, 0, problems);
    }

    private static Duration millis(JsonNode value, String at, long min, List<String> problems) {
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()
                || value.asLong() < min || value.asLong() > MAX_MS) {
            problems.add(at + ": whole milliseconds between " + min + " and " + MAX_MS);
            return null;
        }
        return Duration.ofMillis(value.asLong());
    }
}
