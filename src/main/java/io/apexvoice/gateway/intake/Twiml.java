package io.apexvoice.gateway.intake;

import io.apexvoice.gateway.call.XmlText;
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
                .append("<Connect><Stream url=\"").append(XmlText.escape(streamUrl)).append("\">");
        parameters.forEach((name, value) -> xml.append("<Parameter name=\"").append(XmlText.escape(name))
                .append("\" value=\"").append(XmlText.escape(value)).append("\"/>"));
        xml.append("</Stream></Connect>");
        return xml.append(say(fallback, voiceLanguage)).append("<Hangup/></Response>").toString();
    }

    /** A spoken message and a hang-up: suspended tenant, busy refusal. */
    public static String sayAndHangUp(String message, String voiceLanguage) {
        return HEAD + say(message, voiceLanguage) + "<Hangup/></Response>";
    }

    private static String say(String text, String language) {
        String lang = language == null || language.isBlank() ? "" : " language=\"" + XmlText.escape(language) + "\"";
        return "<Say" + lang + ">" + XmlText.escape(text) + "</Say>";
    }
}
