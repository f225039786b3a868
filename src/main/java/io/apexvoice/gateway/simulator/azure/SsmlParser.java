package io.apexvoice.gateway.simulator.azure;

import io.apexvoice.gateway.simulator.SafeXml;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.XMLConstants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads an SSML request body the way Azure judges it (PROTOCOLS §6.1), with a hardened DOM parser: no DOCTYPE,
 * no external entities or DTDs, no XInclude.
 * <p>
 * Input: the body bytes (encoding from the XML declaration, UTF-8 by default) and the known voice names (empty =
 * any). Output: one {@link Segment} per {@code <voice>}, its text whitespace-collapsed. Refused with
 * {@link Invalid}: malformed XML (e.g. a bare {@code &}), a root other than {@code <speak>}, a {@code <speak>}
 * without {@code version} or {@code xml:lang}, no {@code <voice>}, a voice without {@code name} or with an
 * unknown one, a voice inside a voice, text outside any voice, more than {@value #MAX_VOICE_AND_AUDIO}
 * {@code <voice>} + {@code <audio>} elements.
 */
final class SsmlParser {

    static final int MAX_VOICE_AND_AUDIO = 50;

    /** The text one voice speaks. */
    record Segment(String voice, String text) {
    }

    /** The request's voice segments, in document order. */
    record Ssml(List<Segment> segments) {

        /** All segments' text joined with single spaces: the key of the per-text request counts. */
        String text() {
            return segments.stream().map(Segment::text).filter(t -> !t.isEmpty()).collect(Collectors.joining(" "));
        }
    }

    /** Azure would answer 400; {@code getMessage()} says why. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private SsmlParser() {
    }

    static Ssml parse(byte[] body, Set<String> knownVoices) throws Invalid {
        Element speak = parseXml(body).getDocumentElement();
        if (!"speak".equals(speak.getLocalName())) {
            throw new Invalid("The root element must be <speak>, not <" + speak.getNodeName() + ">.");
        }
        if (speak.getAttribute("version").isBlank()
                || speak.getAttributeNS(XMLConstants.XML_NS_URI, "lang").isBlank()) {
            throw new Invalid("<speak> requires the version and xml:lang attributes.");
        }
        int voicesAndAudio = speak.getElementsByTagNameNS("*", "voice").getLength()
                + speak.getElementsByTagNameNS("*", "audio").getLength();
        if (voicesAndAudio > MAX_VOICE_AND_AUDIO) {
            throw new Invalid("At most " + MAX_VOICE_AND_AUDIO + " <voice> and <audio> elements are allowed, found "
                    + voicesAndAudio + ".");
        }
        List<Segment> segments = new ArrayList<>();
        collect(speak, knownVoices, segments);
        if (segments.isEmpty()) {
            throw new Invalid("The SSML has no <voice> element.");
        }
        return new Ssml(List.copyOf(segments));
    }

    /** Walks the children of {@code parent} (outside any voice) and adds a segment per voice found. */
    private static void collect(Element parent, Set<String> knownVoices, List<Segment> segments) throws Invalid {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child.getNodeType() == Node.TEXT_NODE || child.getNodeType() == Node.CDATA_SECTION_NODE) {
                if (!child.getNodeValue().isBlank()) {
                    throw new Invalid("Text must be inside a <voice> element: \"" + child.getNodeValue().strip() + "\"");
                }
            } else if (child instanceof Element element && "voice".equals(element.getLocalName())) {
                segments.add(segment(element, knownVoices));
            } else if (child instanceof Element element) {
                collect(element, knownVoices, segments);
            }
        }
    }

    private static Segment segment(Element voice, Set<String> knownVoices) throws Invalid {
        String name = voice.getAttribute("name").strip();
        if (name.isEmpty()) {
            throw new Invalid("<voice> requires the name attribute.");
        }
        if (!knownVoices.isEmpty() && !knownVoices.contains(name)) {
            throw new Invalid("Unsupported voice " + name + ".");
        }
        if (voice.getElementsByTagNameNS("*", "voice").getLength() > 0) {
            throw new Invalid("<voice> elements cannot be nested.");
        }
        return new Segment(name, voice.getTextContent().strip().replaceAll("\\s+", " "));
    }

    private static Document parseXml(byte[] body) throws Invalid {
        try {
            return SafeXml.newDocumentBuilder(true).parse(new InputSource(new ByteArrayInputStream(body)));
        } catch (SAXParseException e) {
            throw new Invalid("Invalid SSML at line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": "
                    + e.getMessage());
        } catch (SAXException e) {
            throw new Invalid("Invalid SSML: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the SSML parser could not be set up", e);
        }
    }
}
