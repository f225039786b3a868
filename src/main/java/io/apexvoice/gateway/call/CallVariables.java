package io.apexvoice.gateway.call;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a call's variables (an outbound campaign contact's {@code name}, {@code appointment}, …) into the tenant's
 * texts: {@code {{name}}} in the greeting or prompt becomes the value, an unknown {@code {{x}}} becomes empty (a
 * caller never hears braces), and the system prompt gets the variables listed, so the model can use them even
 * where the prompt names none.
 */
public final class CallVariables {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]{0,39})\\s*}}");

    private CallVariables() {
    }

    /** @return {@code template} with every {@code {{name}}} replaced by its variable, or by nothing */
    public static String render(String template, Map<String, String> variables) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(variables.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** @return the rendered prompt, followed by the variables as call details when there are any */
    public static String systemPrompt(String prompt, Map<String, String> variables) {
        String rendered = render(prompt, variables);
        if (variables.isEmpty()) {
            return rendered;
        }
        StringBuilder details = new StringBuilder(rendered).append("\n\nDetails of this call:");
        variables.forEach((name, value) -> details.append("\n- ").append(name).append(": ").append(value));
        return details.toString();
    }
}
