package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class CampaignRequestParserTests {

    private final CampaignRequestParser parser = new CampaignRequestParser(3);

    @Test
    void aValidCampaignKeepsRowOrderVariablesAndTheTenantsZone() {
        NewCampaign campaign = parse("""
                {"name":" Renewals ","priority":7,"contacts":[
                  {"to":"+14155550100","variables":{"name":"Ann","visits":3,"vip":true}},
                  {"to":"+447700900123"}],
                 "window":{"start":"09:00","end":"20:00"}}""", ZoneId.of("Europe/London"));

        assertThat(campaign.name()).isEqualTo("Renewals");
        assertThat(campaign.priority()).isEqualTo(7);
        assertThat(campaign.contacts()).extracting(NewCampaign.Contact::to).containsExactly("+14155550100", "+447700900123");
        assertThat(campaign.contacts().get(0).variables()).containsEntry("name", "Ann").containsEntry("visits", "3")
                .containsEntry("vip", "true");
        assertThat(campaign.window()).isEqualTo(new CallingWindow(LocalTime.of(9, 0), LocalTime.of(20, 0),
                ZoneId.of("Europe/London")));
    }

    @Test
    void everyProblemIsListedWithItsPath() {
        InvalidCampaignException e = invalid("""
                {"priority":"high","contacts":[{"to":"+1"},{"to":"+14155550100","variables":{"1x":"a","ok":{"n":1}}},
                 {"to":"+14155550100","note":"x"}],"window":{"start":"25:00","end":"07:00","timeZone":"Mars/Olympus"}}""");

        assertThat(e.problems()).contains("name: required", "priority: must be an integer from 0 to 9",
                "contacts[0].to: not an E.164 number (+ and 7 to 15 digits)",
                "contacts[2].note: unknown field", "contacts[2].to: duplicate of contacts[1]",
                "window.start: must be HH:mm (24-hour)");
        assertThat(e.problems()).anyMatch(p -> p.startsWith("contacts[1].variables.1x:"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("contacts[1].variables.ok:"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("window.timeZone:"));
        assertThat(e.total()).isEqualTo(e.problems().size());
    }

    @Test
    void tooManyContactsIsOneProblem() {
        InvalidCampaignException e = invalid("""
                {"name":"n","priority":1,"contacts":[{"to":"+14155550100"},{"to":"+14155550101"},
                {"to":"+14155550102"},{"to":"+14155550103"}]}""");
        assertThat(e.problems()).containsExactly("contacts: must be a list of 1 to 3 contacts");
    }

    @Test
    void notJsonOrNotAnObjectIsNamed() {
        assertThat(invalid("[1,2]").problems()).containsExactly("(body): must be a JSON object");
        assertThat(invalid("{\"name\":").problems()).singleElement().asString().startsWith("(body): not valid JSON");
        assertThat(invalid("{\"name\":\"a\",\"name\":\"b\",\"priority\":1,\"contacts\":[{\"to\":\"+14155550100\"}]}")
                .problems()).singleElement().asString().startsWith("(body): not valid JSON");
    }

    @Test
    void aVoicemailSettingIsKeptAndLeaveIsTheDefaultPolicy() {
        NewCampaign leave = parse("""
                {"name":"n","priority":1,"contacts":[{"to":"+14155550100"}],
                 "voicemail":{"message":" Hi {{name}}, please call us back. "}}""", ZoneOffset.UTC);
        NewCampaign hangup = parse("""
                {"name":"n","priority":1,"contacts":[{"to":"+14155550100"}],"voicemail":{"policy":"hangup"}}""",
                ZoneOffset.UTC);
        NewCampaign none = parse("""
                {"name":"n","priority":1,"contacts":[{"to":"+14155550100"}]}""", ZoneOffset.UTC);

        assertThat(leave.voicemail()).isEqualTo(new Voicemail("Hi {{name}}, please call us back.",
                Voicemail.Policy.leave));
        assertThat(hangup.voicemail()).isEqualTo(new Voicemail(null, Voicemail.Policy.hangup));
        assertThat(none.voicemail()).isNull();
    }

    @Test
    void aBadVoicemailSettingIsNamed() {
        String contacts = "\"name\":\"n\",\"priority\":1,\"contacts\":[{\"to\":\"+14155550100\"}]";
        assertThat(invalid("{" + contacts + ",\"voicemail\":{\"policy\":\"beep\"}}").problems())
                .containsExactly("voicemail.policy: must be leave or hangup");
        assertThat(invalid("{" + contacts + ",\"voicemail\":{\"policy\":\"leave\"}}").problems())
                .containsExactly("voicemail.message: required with policy leave");
        assertThat(invalid("{" + contacts + ",\"voicemail\":{\"message\":\"" + "x".repeat(1001) + "\"}}")
                .problems()).containsExactly("voicemail.message: must be text of 1 to 1000 characters");
        assertThat(invalid("{" + contacts + ",\"voicemail\":{\"message\":\"hi\",\"beep\":true}}").problems())
                .containsExactly("voicemail.beep: unknown field");
        assertThat(invalid("{" + contacts + ",\"voicemail\":\"leave\"}").problems())
                .containsExactly("voicemail: must be an object with a message and a policy (leave or hangup)");
    }

    private NewCampaign parse(String json, ZoneId zone) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), zone);
    }

    private InvalidCampaignException invalid(String json) {
        return catchThrowableOfType(InvalidCampaignException.class, () -> parse(json, ZoneOffset.UTC));
    }
}
