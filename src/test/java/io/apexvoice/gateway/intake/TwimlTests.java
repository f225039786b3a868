package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class TwimlTests {

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void connectsAStreamWithParametersThenFallsBackToSayAndHangup() throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("tenant", "acme");
        parameters.put("token", "123.abc");

        Document doc = parse(Twiml.connectStream("wss://gw.example.com/twilio/media", parameters,
                "Sorry & goodbye <now>", "en-US"));

        Element stream = (Element) doc.getElementsByTagName("Stream").item(0);
        assertThat(stream.getAttribute("url")).isEqualTo("wss://gw.example.com/twilio/media");
        assertThat(doc.getElementsByTagName("Parameter").getLength()).isEqualTo(2);
        assertThat(((Element) doc.getElementsByTagName("Parameter").item(1)).getAttribute("value"))
                .isEqualTo("123.abc");
        Element root = doc.getDocumentElement();
        assertThat(root.getChildNodes().item(0).getNodeName()).isEqualTo("Connect");
        assertThat(root.getChildNodes().item(1).getNodeName()).isEqualTo("Say");
        assertThat(root.getChildNodes().item(1).getTextContent()).isEqualTo("Sorry & goodbye <now>");
        assertThat(root.getChildNodes().item(2).getNodeName()).isEqualTo("Hangup");
    }

    @Test
    void escapesQuotesInAttributesAndDropsControlCharacters() throws Exception {
        Document doc = parse(Twiml.sayAndHangUp("He said \"hi\"\u0007", "en-\"US"));

        Element say = (Element) doc.getElementsByTagName("Say").item(0);
        assertThat(say.getTextContent()).isEqualTo("He said \"hi\"");
        assertThat(say.getAttribute("language")).isEqualTo("en-\"US");
    }
}
