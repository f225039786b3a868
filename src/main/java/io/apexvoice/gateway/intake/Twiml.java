package io.apexvoice.gateway.intake;

import java.util.Map;

/** The TwiML documents the gateway answers with (PROTOCOLS 1.5). Every attribute and text value is XML-escaped. */
public final class Twiml {

    public static final String CONTENT_TYPE = "text/xml; charset=UTF-8";
    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>";

    private Twiml() {
    }

    /**
     * {@code <Connect><Stream>} to the media plane with its {@code <Parameter>}s; the {@code <Say>} after it runs
     * only when the gateway closes the stream, so the caller hears the fallback rather than silence.
     */
    public static String connectStream(String streamUrl, Map<String, String> parameters, String fallback,
            String voiceLanguage) {
        StringBuilder xml = new StringBuilder(HEAD)
                .append("<Connect><Stream url=\"").append(escape(streamUrl)).append("\">");
        parameters.forEach((name, value) -> xml.append("<Parameter name=\"").append(escape(name))
                .append("\" value=\"").append(escape(value)).append("\"/>"));
        xml.append("</Stream></Connect>");
        return xml.append(say(fallback, voiceLanguage)).append("<Hangup/></Response>").toString();
    }

    /** A spoken message and a hang-up: suspended tenant, busy refusal. */
    public static String sayAndHangUp(String message, String voiceLanguage) {
        return HEAD + say(message, voiceLanguage) + "<Hangup/></Response>";
    }

    private static String say(String text, String language) {
        String lang = language == null || language.isBlank() ? "" : " language=\"" + escape(language) + "\"";
        return "<Say" + lang + ">" + escape(text) + "</Say>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
