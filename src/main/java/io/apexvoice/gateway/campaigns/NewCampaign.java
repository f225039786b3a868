package io.apexvoice.gateway.campaigns;

import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST …/campaigns} request.
 *
 * @param name      operator's label
 * @param priority  0-9, higher first
 * @param contacts  who to call, in the order given (FIFO within the priority)
 * @param window    local calling hours; null = any time
 * @param voicemail answering machine detection and what to do on a voicemail box; null = no detection
 */
public record NewCampaign(String name, int priority, List<Contact> contacts, CallingWindow window,
                          Voicemail voicemail) {

    public NewCampaign {
        contacts = List.copyOf(contacts);
    }

    /** A campaign without answering machine detection. */
    public NewCampaign(String name, int priority, List<Contact> contacts, CallingWindow window) {
        this(name, priority, contacts, window, null);
    }

    /** One row: an E.164 number and the variables the conversation may use. */
    public record Contact(String to, Map<String, String> variables) {

        public Contact {
            variables = Map.copyOf(variables);
        }
    }
}
