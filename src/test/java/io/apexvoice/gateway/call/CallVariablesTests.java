package io.apexvoice.gateway.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CallVariablesTests {

    @Test
    void placeholdersAreFilledAndUnknownOnesVanish() {
        assertThat(CallVariables.render("Hello {{ name }}, about {{slot}}{{missing}}.", Map.of("name", "Dana", "slot", "$3 pm")))
                .isEqualTo("Hello Dana, about $3 pm.");
        assertThat(CallVariables.render("No placeholders {here}.", Map.of())).isEqualTo("No placeholders {here}.");
    }

    @Test
    void theSystemPromptListsTheVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("name", "Dana");
        variables.put("slot", "3 pm");
        assertThat(CallVariables.systemPrompt("Remind {{name}}.", variables))
                .isEqualTo("Remind Dana.\n\nDetails of this call:\n- name: Dana\n- slot: 3 pm");
        assertThat(CallVariables.systemPrompt("Plain prompt.", Map.of())).isEqualTo("Plain prompt.");
    }
}
