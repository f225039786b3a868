package io.apexvoice.gateway.simulator.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.call.CallResult.Outcome;
import io.apexvoice.gateway.testsupport.Await;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Answering machine detection on calls created over REST: async callbacks, sync webhooks, the callee's answer. */
class TwilioAmdTests extends TwilioRestSimulatorTestBase {

    static final String VOICEMAIL = "+14155550111";
    static final String PERSON = "+14155550122";

    @Test
    void asyncAmdPostsTheNumbersAnswerSignedWhileTheCallStreams() throws Exception {
        twilio.configure(s -> s.withAnsweredBy(VOICEMAIL, "machine_end_beep").withAmd("human", 40));

        String sid = create(VOICEMAIL, "MachineDetection", "DetectMessageEnd", "AsyncAmd", "true",
                "AsyncAmdStatusCallback", amdUrl(), "StatusCallback", statusUrl(), "StatusCallbackEvent", "answered",
                "StatusCallbackEvent", "completed");

        streamOf(sid);
        Await.until(WAIT, () -> gateway.amdCallbacks.size() == 1, "the AMD callback");
        assertThat(gateway.amdCallbacks.get(0)).isEqualTo(Map.of("AccountSid", ACCOUNT, "AnsweredBy",
                "machine_end_beep", "CallSid", sid, "MachineDetectionDuration", "40"));
        assertThat(gateway.rejectedSignatures).isZero();
        assertThat(gateway.voiceWebhooks).singleElement().satisfies(form -> assertThat(form)
                .doesNotContainKey("AnsweredBy").containsEntry("CallSid", sid));
        Await.until(WAIT, () -> "machine_end_beep".equals(created(sid).answeredBy()), "the result recorded");
        assertThat(JSON.readTree(get(calls + "/" + sid + ".json").body()).path("answered_by").asText())
                .isEqualTo("machine_end_beep");

        assertThat(post(calls + "/" + sid + ".json", "Status", "completed").statusCode()).isEqualTo(200);

        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 2, "answered and completed callbacks");
        assertThat(gateway.statusCallbacks).filteredOn(c -> c.get("CallStatus").equals("completed")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("AnsweredBy", "machine_end_beep"));
        assertThat(gateway.statusCallbacks).filteredOn(c -> c.get("CallStatus").equals("in-progress"))
                .singleElement().satisfies(c -> assertThat(c).doesNotContainKey("AnsweredBy"));
        Await.until(WAIT, () -> created(sid).result() != null, "the call ended");
        assertThat(created(sid).result().outcome()).isEqualTo(Outcome.ENDED);
        assertThat(twilio.stats()).containsEntry("amdCallbacksSent", 1L);
    }

    @Test
    void enableReportsAMachineAtItsStartAndAPersonAsHuman() throws Exception {
        twilio.configure(s -> s.withAnsweredBy(VOICEMAIL, "machine_end_silence").withAmd("human", 1));

        String machine = create(VOICEMAIL, "MachineDetection", "Enable", "AsyncAmd", "true",
                "AsyncAmdStatusCallback", amdUrl());
        String person = create(PERSON, "MachineDetection", "Enable", "AsyncAmd", "true",
                "AsyncAmdStatusCallback", amdUrl(), "AsyncAmdStatusCallbackMethod", "POST");

        Await.until(WAIT, () -> gateway.amdCallbacks.size() == 2, "two AMD callbacks");
        assertThat(gateway.amdCallbacks).anySatisfy(c -> assertThat(c).containsEntry("CallSid", machine)
                .containsEntry("AnsweredBy", "machine_start"));
        assertThat(gateway.amdCallbacks).anySatisfy(c -> assertThat(c).containsEntry("CallSid", person)
                .containsEntry("AnsweredBy", "human"));
    }

    @Test
    void syncAmdHoldsTheVoiceWebhookUntilDetectionAndSendsAnsweredBy() throws Exception {
        twilio.configure(s -> s.withAmd("fax", 30));

        String sid = create(PERSON, "MachineDetection", "Enable");

        streamOf(sid);
        assertThat(gateway.voiceWebhooks).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("AnsweredBy", "fax").containsEntry("CallStatus", "in-progress"));
        assertThat(created(sid).answeredBy()).isEqualTo("fax");
        assertThat(gateway.amdCallbacks).isEmpty();
        assertThat(twilio.stats()).containsEntry("amdCallbacksSent", 0L);
    }

    @Test
    void aCallWithoutMachineDetectionReportsNoAnsweredBy() throws Exception {
        twilio.configure(s -> s.withAmd("machine_start", 1));

        String sid = create(PERSON, "StatusCallback", statusUrl(), "StatusCallbackEvent", "answered");

        streamOf(sid);
        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 1, "the answered callback");
        assertThat(gateway.statusCallbacks.get(0)).doesNotContainKey("AnsweredBy");
        assertThat(gateway.voiceWebhooks.get(0)).doesNotContainKey("AnsweredBy");
        assertThat(created(sid).answeredBy()).isNull();
    }

    @Test
    void validatesTheAmdParameters() throws Exception {
        String[][] bad = {
            {"MachineDetection", "Enable", "MachineDetectionTimeout", "2"},
            {"MachineDetection", "Enable", "MachineDetectionTimeout", "sixty"},
            {"MachineDetection", "Enable", "AsyncAmd", "yes"},
            {"MachineDetection", "Enable", "AsyncAmd", "true", "AsyncAmdStatusCallback", "not a url"},
            {"MachineDetection", "Enable", "AsyncAmd", "true", "AsyncAmdStatusCallbackMethod", "PUT"},
        };
        for (String[] pairs : bad) {
            String[] form = new String[pairs.length + 6];
            System.arraycopy(new String[] {"To", PERSON, "From", "+14155550100", "Url", voiceUrl()}, 0, form, 0, 6);
            System.arraycopy(pairs, 0, form, 6, pairs.length);
            assertError(post(calls + ".json", form), 400, 20001, null);
        }
        assertThat(twilio.createdCalls()).isEmpty();
    }

    @Test
    void whoAnswersIsPatchedOverTheControlApi() throws Exception {
        HttpRequest patch = HttpRequest.newBuilder(URI.create(twilio.baseUri() + "/__control/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"answeredBy\":{\"" + VOICEMAIL
                        + "\":\"machine_end_silence\"},\"amdDelayMs\":5}")).build();
        HttpRequest bad = HttpRequest.newBuilder(URI.create(twilio.baseUri() + "/__control/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"defaultAnsweredBy\":\"robot\"}")).build();

        assertThat(HTTP.send(patch, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(HTTP.send(bad, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);

        assertThat(twilio.settings().answeredBy(VOICEMAIL)).isEqualTo("machine_end_silence");
        assertThat(twilio.settings().answeredBy(PERSON)).isEqualTo("human");
        assertThat(twilio.settings().amdDelayMs()).isEqualTo(5);
    }

    String amdUrl() {
        return gateway.baseUrl() + "/twilio/acme/amd";
    }
}
