package io.apexvoice.gateway.simulator.call;

import io.apexvoice.gateway.simulator.SafeXml;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What a TwiML answer tells Twilio to do, as far as the call simulator cares (PROTOCOLS 1.5): open a
 * {@code <Connect><Stream url>} with its {@code <Parameter>}s, or just {@code <Say>} something and
 * {@code <Hangup/>}/{@code <Reject/>} (a refusal: busy, suspended tenant).
 *
 * @param streamUrl  the {@code <Stream url>} inside {@code <Connect>}, or null when the answer has none
 * @param parameters the stream's {@code <Parameter name value>}s, in document order
 * @param says       the text of every {@code <Say>} (for a stream answer: the fallback after it)
 * @param hangsUp    a {@code <Hangup/>} or {@code <Reject/>} is present
 */
record TwimlAnswer(String streamUrl, Map<String, String> parameters, List<String> says, boolean hangsUp) {

    private static final int MAX_BYTES = 64 * 1024;

    boolean connectsStream() {
        return streamUrl != null;
    }

    /**
     * Parses with a hardened parser (no DTD, no external entities, no XInclude).
     *
     * @throws IllegalArgumentException when the document is not a TwiML {@code <Response>}
     */
    static TwimlAnswer parse(String xml) {
        if (xml == null || xml.isBlank()) {
            throw new IllegalArgumentException("empty TwiML");
        }
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("TwiML larger than 64 KiB");
        }
        Element root;
        try {
            root = SafeXml.newDocumentBuilder(false).parse(new ByteArrayInputStream(bytes)).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalArgumentException("TwiML is not well-formed XML: " + e.getMessage(), e);
        }
        if (!"Response".equals(root.getTagName())) {
            throw new IllegalArgumentException("TwiML root is <" + root.getTagName() + ">, not <Response>");
        }
        String streamUrl = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        List<String> says = new ArrayList<>();
        boolean hangsUp = false;
        for (Element verb : children(root)) {
            switch (verb.getTagName()) {
                case "Connect" -> {
                    for (Element stream : children(verb)) {
                        if ("Stream".equals(stream.getTagName()) && streamUrl == null) {
                            streamUrl = stream.getAttribute("url");
                            children(stream).stream().filter(p -> "Parameter".equals(p.getTagName()))
                                    .forEach(p -> parameters.put(p.getAttribute("name"), p.getAttribute("value")));
                        }
                    }
                }
                case "Say" -> says.add(verb.getTextContent().trim());
                case "Hangup", "Reject" -> hangsUp = true;
                default -> {
                    // other verbs (Play, Pause, Gather, …) do not matter to the simulator
                }
            }
        }
        if (streamUrl != null && streamUrl.isBlank()) {
            throw new IllegalArgumentException("<Connect><Stream> without a url");
        }
        return new TwimlAnswer(streamUrl, Collections.unmodifiableMap(parameters), List.copyOf(says), hangsUp);
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }
}
