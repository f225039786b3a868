package io.apexvoice.gateway.simulator.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallResult.Outcome;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.FakeGateway;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.Await;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code POST …/Calls/{CallSid}.json}: redirects to TwiML (transfer, keys, hang-up), status changes, errors. */
class TwilioCallUpdateTests extends TwilioRestSimulatorTestBase {

    static final String TRANSFER = "<Response><Say>Connecting you now.</Say>"
            + "<Dial callerId=\"+14155550100\"><Number>+14155550123</Number></Dial></Response>";

    @Test
    void aDialRedirectStopsTheStreamRecordsTheTransferAndCompletesTheCall() throws Exception {
        String sid = create("+14155550199", "StatusCallback", statusUrl());
        FakeGateway.MediaConnection media = streamOf(sid);

        HttpResponse<String> updated = post(calls + "/" + sid + ".json", "Twiml", TRANSFER);

        assertThat(updated.statusCode()).isEqualTo(200);
        JsonNode call = JSON.readTree(updated.body());
        assertThat(call.path("sid").asText()).isEqualTo(sid);
        assertThat(call.path("status").asText()).isEqualTo("in-progress");
        assertThat(twilio.updates(sid)).singleElement().satisfies(update -> {
            assertThat(update.redirects()).isTrue();
            assertThat(update.dialled()).isEqualTo("+14155550123");
            assertThat(update.callerId()).isEqualTo("+14155550100");
            assertThat(update.says()).containsExactly("Connecting you now.");
            assertThat(update.digits()).isEmpty();
            assertThat(update.hangsUp()).isFalse();
            assertThat(update.twiml()).isEqualTo(TRANSFER);
        });
        Await.until(WAIT, () -> media.closed, "the media socket closed");
        assertThat(media.received.get(media.received.size() - 1).path("event").asText()).isEqualTo("stop");
        // the media leg's result comes first, the call's status once the <Dial> leg is over: wait for both
        Await.until(WAIT, () -> created(sid).result() != null && "completed".equals(created(sid).status()),
                "the call ended");
        CreatedCall ended = created(sid);
        assertThat(ended.result().outcome()).isEqualTo(Outcome.ENDED);
        assertThat(ended.result().reason()).contains("<Dial> +14155550123");
        assertThat(ended.lastRedirect()).hasValueSatisfying(u -> assertThat(u.dialled()).isEqualTo("+14155550123"));
        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 1, "the completed callback");
        assertThat(gateway.statusCallbacks.get(0)).containsEntry("CallStatus", "completed");
        assertThat(twilio.stats()).containsEntry("callsUpdated", 1L).containsEntry("callsRedirected", 1L);
    }

    @Test
    void aUrlRedirectFetchesSignedTwimlAndRecordsThePlayedDigits() throws Exception {
        String ivr = "<Response><Play digits=\"1w2#\"/><Hangup/></Response>";
        gateway.twiml = (tenant, form) -> tenant.equals("ivr") ? ivr : gateway.connectStream(tenant, form);
        String sid = create("+14155550199");
        FakeGateway.MediaConnection media = streamOf(sid);

        HttpResponse<String> updated = post(calls + "/" + sid + ".json", "Url",
                gateway.baseUrl() + "/twilio/ivr/voice", "Method", "POST");

        assertThat(updated.statusCode()).isEqualTo(200);
        Await.until(WAIT, () -> !twilio.updates(sid).isEmpty(), "the redirect ran");
        CallUpdate update = twilio.updates(sid).get(0);
        assertThat(update.url()).hasToString(gateway.baseUrl() + "/twilio/ivr/voice");
        assertThat(update.twiml()).isEqualTo(ivr);
        assertThat(update.digits()).isEqualTo("1w2#");
        assertThat(update.hangsUp()).isTrue();
        assertThat(update.dialled()).isNull();
        assertThat(update.problem()).isNull();
        assertThat(gateway.voiceWebhooks).hasSize(2);
        assertThat(gateway.voiceWebhooks.get(1)).containsEntry("CallSid", sid).containsEntry("CallStatus",
                "in-progress");
        assertThat(gateway.rejectedSignatures).isZero();
        Await.until(WAIT, () -> media.closed && created(sid).status().equals("completed"), "the call completed");
    }

    @Test
    void digitsPlayedBeforeAConnectStreamMoveTheCallToANewStreamThatGoesOn() throws Exception {
        String sid = create("+14155550199");
        FakeGateway.MediaConnection first = streamOf(sid);
        String resume = "<Response><Play digits=\"123#\"/><Connect><Stream url=\"" + gateway.mediaUrl()
                + "\"><Parameter name=\"resumed\" value=\"yes\"/></Stream></Connect></Response>";

        assertThat(post(calls + "/" + sid + ".json", "Twiml", resume).statusCode()).isEqualTo(200);

        Await.until(WAIT, () -> first.closed, "the first stream closed");
        assertThat(first.events("stop")).hasSize(1);
        Await.until(WAIT, () -> gateway.connections.size() == 2 && gateway.connections.get(1).streamSid() != null,
                "a second stream");
        FakeGateway.MediaConnection second = gateway.connections.get(1);
        JsonNode start = second.events("start").get(0).path("start");
        assertThat(start.path("callSid").asText()).isEqualTo(sid);
        assertThat(start.path("customParameters").path("resumed").asText()).isEqualTo("yes");
        assertThat(second.streamSid()).isNotEqualTo(first.streamSid());
        assertThat(second.upgradeSigned).isTrue();
        assertThat(twilio.updates(sid)).singleElement().satisfies(u -> assertThat(u.digits()).isEqualTo("123#"));
        assertThat(created(sid).status()).isEqualTo("in-progress");

        post(calls + "/" + sid + ".json", "Status", "completed");

        Await.until(WAIT, () -> created(sid).result() != null, "the call ended");
        assertThat(created(sid).result().outcome()).isEqualTo(Outcome.ENDED);
        assertThat(created(sid).result().streamSid()).isEqualTo(second.streamSid());
        Await.until(WAIT, () -> second.closed, "the second stream closed");
    }

    @Test
    void aUrlThatCannotBeFetchedIsRecordedAsAProblemAndTheCallEnds() throws Exception {
        String sid = create("+14155550199");
        streamOf(sid);

        post(calls + "/" + sid + ".json", "Url", gateway.baseUrl() + "/nowhere");

        Await.until(WAIT, () -> created(sid).status().equals("completed"), "the call completed");
        assertThat(twilio.updates(sid)).singleElement().satisfies(update -> {
            assertThat(update.problem()).isEqualTo("Url answered 404");
            assertThat(update.twiml()).isNull();
        });
    }

    @Test
    void anInboundCallPlacedThroughTheSimulatorCanBeTransferredByItsCallSid() throws Exception {
        CompletableFuture<CallReport> report = twilio.callIn(CallOptions.builder(URI.create(gateway.baseUrl()))
                .authToken(FakeGateway.TOKEN).accountSid(ACCOUNT).tenant("acme").statusCallback(true)
                .script(CallerScript.of(new ScriptStep.Silence(Duration.ofSeconds(5)), new ScriptStep.Hangup()))
                .callTimeout(Duration.ofSeconds(10)).build());
        Await.until(WAIT, () -> twilio.createdCalls().size() == 1, "the inbound call known");
        String sid = twilio.createdCalls().get(0).sid();
        FakeGateway.MediaConnection media = streamOf(sid);
        assertThat(JSON.readTree(get(calls + "/" + sid + ".json").body()).path("direction").asText())
                .isEqualTo("inbound");

        assertThat(post(calls + "/" + sid + ".json", "Twiml", TRANSFER).statusCode()).isEqualTo(200);

        CallResult result = report.get(5, TimeUnit.SECONDS).results().get(0);
        assertThat(result.outcome()).isEqualTo(Outcome.ENDED);
        Await.until(WAIT, () -> media.closed, "the media socket closed");
        assertThat(twilio.updates(sid)).singleElement()
                .satisfies(update -> assertThat(update.dialled()).isEqualTo("+14155550123"));
        Await.until(WAIT, () -> created(sid).status().equals("completed"), "the call completed");
        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 1, "the call simulator's completed callback");
        assertError(post(calls + "/" + sid + ".json", "Status", "completed"), 400, 21220, null);
    }

    @Test
    void statusCompletedIsRecordedAndAnEndedCallRefusesFurtherUpdates() throws Exception {
        String sid = create("+14155550199");
        streamOf(sid);

        assertThat(post(calls + "/" + sid + ".json", "Status", "completed").statusCode()).isEqualTo(200);
        Await.until(WAIT, () -> created(sid).status().equals("completed"), "the call completed");

        assertThat(twilio.updates(sid)).singleElement().satisfies(update -> {
            assertThat(update.redirects()).isFalse();
            assertThat(update.status()).isEqualTo("completed");
        });
        assertError(post(calls + "/" + sid + ".json", "Status", "completed"), 400, 21220,
                "Call is not in-progress. Cannot update.");
        assertError(post(calls + "/" + sid + ".json", "Twiml", TRANSFER), 400, 21220,
                "Call is not in-progress. Cannot redirect.");
        assertThat(twilio.updates(sid)).hasSize(1);
    }

    @Test
    void refusesBadUpdatesWithTwiliosErrors() throws Exception {
        twilio.configure(s -> s.withAnswer("answered", 1, 60_000));
        String ringing = create("+14155550199");
        Await.until(WAIT, () -> created(ringing).status().equals("ringing"), "ringing");
        String call = calls + "/" + ringing + ".json";

        assertError(post(calls + "/CA00000000000000000000000000000000.json", "Twiml", TRANSFER), 404, 20404,
                "The requested resource /2010-04-01/Accounts/" + ACCOUNT
                        + "/Calls/CA00000000000000000000000000000000.json was not found");
        assertError(post(call, "Twiml", TRANSFER), 400, 21220, "Call is not in-progress. Cannot redirect.");
        assertError(post(call, "Status", "hung-up"), 400, 20001, "Status must be completed or canceled");
        assertError(post(call, "Timeout", "5"), 400, 20001, "Status, Url or Twiml is required to update a call");
        assertError(post(call, "Url", "ftp://example.com/x"), 400, 21205, null);
        assertError(post(call, "Twiml", "<Response><Dial>"), 400, 20001, null);
        assertError(post(call, "Url", voiceUrl(), "Method", "PUT"), 400, 20001, null);
        assertThat(twilio.updates(ringing)).isEmpty();
        assertThat(created(ringing).status()).isEqualTo("ringing");
    }
}
