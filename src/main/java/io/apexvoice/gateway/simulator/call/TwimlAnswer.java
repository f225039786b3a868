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
 * What a TwiML document tells Twilio to do, as far as the simulators care (PROTOCOLS 1.5, 3.3): open a
 * {@code <Connect><Stream url>} with its {@code <Parameter>}s, {@code <Say>} something, {@code <Play digits>} keys
 * into the call, {@code <Dial>} a number (a transfer), {@code <Hangup/>}/{@code <Reject/>} (a refusal: busy,
 * suspended tenant). Other verbs are ignored.
 *
 * @param streamUrl    the {@code <Stream url>} inside {@code <Connect>}, or null when the answer has none
 * @param parameters   the stream's {@code <Parameter name value>}s, in document order
 * @param says         the text of every {@code <Say>} (for a stream answer: the fallback after it)
 * @param hangsUp      a {@code <Hangup/>} or {@code <Reject/>} is present
 * @param dials        every {@code <Dial>}, in document order
 * @param playedDigits the {@code digits} of every {@code <Play digits="…">}, in document order
 */
public record TwimlAnswer(String streamUrl, Map<String, String> parameters, List<String> says, boolean hangsUp,
        List<Dial> dials, List<String> playedDigits) {

    /**
     * One {@code <Dial>}: {@code <Dial callerId="+1…">+1…</Dial>} or {@code <Dial><Number>+1…</Number></Dial>}.
     *
     * @param callerId the {@code callerId} attribute, null when absent
     * @param numbers  the {@code <Number>} children's numbers, or the dial's own text; empty when it dials
     *                 something else ({@code <Client>}, {@code <Sip>}, {@code <Conference>})
     */
    public record Dial(String callerId, List<String> numbers) {
    }

    private static final int MAX_BYTES = 64 * 1024;

    public boolean connectsStream() {
        return streamUrl != null;
    }

    /**
     * Parses with a hardened parser (no DTD, no external entities, no XInclude).
     *
     * @throws IllegalArgumentException when the document is not a TwiML {@code <Response>}
     */
    public static TwimlAnswer parse(String xml) {
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
        List<Dial> dials = new ArrayList<>();
        List<String> playedDigits = new ArrayList<>();
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
                case "Dial" -> dials.add(dial(verb));
                case "Play" -> {
                    if (!verb.getAttribute("digits").isEmpty()) {
                        playedDigits.add(verb.getAttribute("digits"));
                    }
                }
                default -> {
                    // other verbs (Pause, Gather, Redirect, …) do not matter to the simulators
                }
            }
        }
        if (streamUrl != null && streamUrl.isBlank()) {
            throw new IllegalArgumentException("<Connect><Stream> without a url");
        }
        return new TwimlAnswer(streamUrl, Collections.unmodifiableMap(parameters), List.copyOf(says), hangsUp,
                List.copyOf(dials), List.copyOf(playedDigits));
    }

    private static Dial dial(Element verb) {
        List<String> numbers = children(verb).stream().filter(e -> "Number".equals(e.getTagName()))
                .map(e -> e.getTextContent().trim()).toList();
        if (numbers.isEmpty() && children(verb).isEmpty() && !verb.getTextContent().isBlank()) {
            numbers = List.of(verb.getTextContent().trim());
        }
        String callerId = verb.getAttribute("callerId");
        return new Dial(callerId.isEmpty() ? null : callerId, numbers);
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
