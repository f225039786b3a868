package io.apexvoice.gateway.call;

/** Text made safe for XML documents the gateway writes (TwiML for Twilio, SSML for text-to-speech). */
public final class XmlText {

    private XmlText() {
    }

    /**
     * Makes text safe as XML character data or a quoted attribute value: {@code & < > " '} become entities;
     * characters XML 1.0 forbids or that only disturb speech (control characters other than tab, line feed and
     * carriage return, unpaired surrogates, U+FFFE/U+FFFF) are dropped; everything else, Devanagari included, is
     * kept as is.
     */
        public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\t', '\n', '\r' -> out.append(c);
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (!Character.isISOControl(c) && !Character.isSurrogate(c)
                            && c != '\uFFFE' && c != '\uFFFF') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
