package io.apexvoice.gateway.providers.azure;

import io.apexvoice.gateway.call.XmlText;

import io.apexvoice.gateway.tenants.Voice;

/**
 * The SSML body of one synthesis (PROTOCOLS §6.1): one {@code <voice>} with the text as character data.
 * <pre>{@code
 * Voice(en-US-JennyNeural, en-US), "Fish & <chips>"  →
 * <speak version='1.0' xml:lang='en-US' xmlns='http://www.w3.org/2001/10/synthesis'>
 *   <voice xml:lang='en-US' name='en-US-JennyNeural'>Fish &amp; &lt;chips&gt;</voice></speak>   (on one line)
 * }</pre>
 */
final class Ssml {

    private Ssml() {
    }

    /** @return the request body for {@code text} spoken by {@code voice}; all values escaped */
    static String of(Voice voice, String text) {
        String language = XmlText.escape(voice.language());
        return "<speak version='1.0' xml:lang='" + language + "' xmlns='http://www.w3.org/2001/10/synthesis'>"
                + "<voice xml:lang='" + language + "' name='" + XmlText.escape(voice.name()) + "'>" + XmlText.escape(text)
                + "</voice></speak>";
    }

}
