package io.apexvoice.gateway.tenants;

/** Tenant files for tests: the SPEC §3 example and small variations of it. */
final class TenantYaml {

    static final String ACME_KEY = "acme-secret-key";

    static final String TIERS = """
            tiers:
              standard: { callsPerMinute: 60, maxConcurrentCalls: 20, maxConcurrentLlm: 4, campaignShare: 1 }
            """;

    static String specExample() {
        return TIERS + "tenants:\n" + acme("acme", "+14155550100");
    }

    /** The SPEC §3 tenant entry with the given id and Twilio number. */
    static String acme(String id, String number) {
        return """
                  - id: %s
                    name: Acme Corp
                    tier: standard
                    suspended: false
                    twilio: { numbers: ["%s"], authToken: null }   # null: use TWILIO_AUTH_TOKEN
                    voice: { name: en-US-JennyNeural, language: en-US }
                    prompt: "You are the phone assistant of Acme Corp. Answer briefly."
                    greeting: "Hello, thanks for calling Acme. How can I help?"
                    fallbackPhrase: "Sorry, I am having trouble right now. Please hold on."
                    bargeIn: { minWords: 2, backchannels: ["uh-huh", "mm-hmm", "okay", "yeah", "right"] }
                    prewarm: ["Hello, thanks for calling Acme. How can I help?"]
                    apiKeys: ["%s"]
                """.formatted(id, number, ApiKeyHash.of(ACME_KEY).encoded());
    }

    /** A tenant with only the required fields. */
    static String minimal(String id, String extraLine) {
        return """
                  - id: %s
                    name: Minimal
                    tier: standard
                    voice: { name: en-US-GuyNeural, language: en-US }
                    prompt: "Be brief."
                    greeting: "Hi."
                    fallbackPhrase: "One moment."
                %s
                """.formatted(id, extraLine == null ? "" : "    " + extraLine);
    }

    private TenantYaml() {
    }
}
