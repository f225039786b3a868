package io.apexvoice.gateway.simulator.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.simulator.call.CallResult.Outcome;
import io.apexvoice.gateway.simulator.call.FakeGateway;
import io.apexvoice.gateway.testsupport.Await;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The Twilio REST simulator over real HTTP, with a fake gateway receiving its webhooks and media streams. */
class TwilioRestSimulatorTests extends TwilioRestSimulatorTestBase {

    @Test
    void createsACallWithTwiliosResponseShape() throws Exception {
        twilio.configure(s -> s.withAnswer("busy", 1, 60_000));

        HttpResponse<String> response = post(calls + ".json", "To", "+14155550199", "From", "+14155550100",
                "Url", voiceUrl());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Twilio-Request-Id")).hasValueSatisfying(
                id -> assertThat(id).matches("RQ[0-9a-f]{32}"));
        JsonNode call = JSON.readTree(response.body());
        String sid = call.path("sid").asText();
        assertThat(sid).matches("CA[0-9a-f]{32}");
        assertThat(call.path("account_sid").asText()).isEqualTo(ACCOUNT);
        assertThat(call.path("to").asText()).isEqualTo("+14155550199");
        assertThat(call.path("to_formatted").asText()).isEqualTo("(415) 555-0199");
        assertThat(call.path("from").asText()).isEqualTo("+14155550100");
        assertThat(call.path("status").asText()).isEqualTo("queued");
        assertThat(call.path("direction").asText()).isEqualTo("outbound-api");
        assertThat(call.path("api_version").asText()).isEqualTo("2010-04-01");
        assertThat(call.path("queue_time").asText()).isEqualTo("0");
        assertThat(call.path("date_created").asText()).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} "
                + "\\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(call.path("uri").asText()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Calls/" + sid + ".json");
        assertThat(call.path("subresource_uris").path("recordings").asText()).endsWith("/" + sid + "/Recordings.json");
        assertThat(call.has("answered_by") && call.path("answered_by").isNull()).isTrue();
        assertThat(call.path("start_time").isNull()).isTrue();
        assertThat(twilio.createdCalls()).extracting(CreatedCall::sid).containsExactly(sid);
        assertThat(get(calls + "/" + sid + ".json").statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsBadCredentialsWithTwilioError20003() throws Exception {
        String form = "To=%2B14155550199&From=%2B14155550100&Url=" + voiceUrl();
        List<HttpResponse<String>> responses = List.of(
                send(calls + ".json", form, basic(ACCOUNT, "wrong-token")),
                send(calls + ".json", form, null),
                send(twilio.baseUri() + "/2010-04-01/Accounts/AC99999999999999999999999999999999/Calls.json", form,
                        basic(ACCOUNT, FakeGateway.TOKEN)));

        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"code\":20003,\"message\":"
                    + "\"Authenticate\",\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}"));
        }
        assertThat(twilio.createdCalls()).isEmpty();
    }

    @Test
    void validatesTheFormWithTwiliosErrorCodes() throws Exception {
        twilio.configure(s -> s.withInvalidNumbers(List.of("+15005550001")));

        assertError(post(calls + ".json", "To", "12345", "From", "+14155550100", "Url", voiceUrl()), 400, 21211,
                "The 'To' number 12345 is not a valid phone number.");
        assertError(post(calls + ".json", "To", "+15005550001", "From", "+14155550100", "Url", voiceUrl()), 400,
                21211, "The 'To' number +15005550001 is not a valid phone number.");
        assertError(post(calls + ".json", "From", "+14155550100", "Url", voiceUrl()), 400, 21201, null);
        assertError(post(calls + ".json", "To", "+14155550199", "Url", voiceUrl()), 400, 21213, null);
        assertError(post(calls + ".json", "To", "+14155550199", "From", "abc", "Url", voiceUrl()), 400, 21212, null);
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100"), 400, 21205,
                "Url parameter is required.");
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", "ftp://x/y"), 400,
                21205, null);
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl(),
                "StatusCallback", "not a url"), 400, 21609, null);
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl(),
                "Timeout", "601"), 400, 20001, null);
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl(),
                "MachineDetection", "Maybe"), 400, 20001, null);
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl(),
                "StatusCallbackEvent", "hungup"), 400, 20001, null);
        assertThat(twilio.createdCalls()).isEmpty();
        assertThat(twilio.stats()).extractingByKey("rejectedByCode").isEqualTo(Map.of("21211", 2L, "21201", 1L,
                "21213", 1L, "21212", 1L, "21205", 2L, "21609", 1L, "20001", 3L));
    }

    @Test
    void injectedRejectionsAnswer429Then5xxThenSucceed() throws Exception {
        twilio.configure(s -> s.withAnswer("busy", 1, 60_000).withRejectNext(429, 2));

        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl()), 429,
                20429, "Too Many Requests");
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl()), 429,
                20429, null);
        assertThat(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl())
                .statusCode()).isEqualTo(201);
        twilio.configure(s -> s.withRejectNext(503, 1));
        assertError(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url", voiceUrl()), 503,
                20503, null);
        assertThat(twilio.createdCalls()).hasSize(1);
    }

    @Test
    void requestsOverTheConcurrencyLimitGet429() throws Exception {
        twilio.configure(s -> s.withAnswer("busy", 1, 60_000).withRequests(1, 300));
        String form = "To=%2B14155550199&From=%2B14155550100&Url=" + enc(voiceUrl());
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            inFlight.add(HTTP.sendAsync(request(calls + ".json", form, basic(ACCOUNT, FakeGateway.TOKEN)),
                    HttpResponse.BodyHandlers.ofString()));
        }

        List<Integer> statuses = inFlight.stream().map(f -> f.join().statusCode()).sorted().toList();

        assertThat(statuses).containsExactly(201, 429);
    }

    @Test
    void pacesCallsPerSecondThroughQueueTime() throws Exception {
        twilio.configure(s -> s.withCps(1).withAnswer("busy", 1, 60_000));
        List<Long> queueTimes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = post(calls + ".json", "To", "+14155550199", "From", "+14155550100",
                    "Url", voiceUrl());
            assertThat(response.statusCode()).isEqualTo(201);
            queueTimes.add(Long.parseLong(JSON.readTree(response.body()).path("queue_time").asText()));
        }

        assertThat(queueTimes.get(0)).isZero();
        assertThat(queueTimes.get(1)).isGreaterThan(queueTimes.get(0)).isLessThanOrEqualTo(1000L);
        assertThat(queueTimes.get(2)).isGreaterThan(queueTimes.get(1)).isLessThanOrEqualTo(2000L);
        assertThat(twilio.createdCalls()).extracting(CreatedCall::queueTimeMs).isEqualTo(queueTimes);
    }

    @Test
    void postsSignedStatusCallbacksWithIncreasingSequenceNumbers() throws Exception {
        String hangUp = "<Response><Say>Goodbye</Say><Hangup/></Response>";

        HttpResponse<String> created = post(calls + ".json", "To", "+14155550199", "From", "+14155550100",
                "Twiml", hangUp, "StatusCallback", statusUrl(), "StatusCallbackEvent", "initiated",
                "StatusCallbackEvent", "ringing", "StatusCallbackEvent", "answered", "StatusCallbackEvent",
                "completed");
        String sid = JSON.readTree(created.body()).path("sid").asText();

        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 4, "four status callbacks");
        List<Map<String, String>> callbacks = gateway.statusCallbacks.stream()
                .sorted((a, b) -> Integer.compare(Integer.parseInt(a.get("SequenceNumber")),
                        Integer.parseInt(b.get("SequenceNumber")))).toList();
        assertThat(gateway.rejectedSignatures).isZero();
        assertThat(callbacks).extracting(c -> c.get("CallStatus"))
                .containsExactly("initiated", "ringing", "in-progress", "completed");
        assertThat(callbacks).extracting(c -> c.get("SequenceNumber")).containsExactly("0", "1", "2", "3");
        assertThat(callbacks).allSatisfy(c -> assertThat(c).containsEntry("CallSid", sid)
                .containsEntry("AccountSid", ACCOUNT).containsEntry("Direction", "outbound-api")
                .containsEntry("CallbackSource", "call-progress-events").containsKey("Timestamp"));
        assertThat(callbacks.get(3)).containsKey("CallDuration");
        Await.until(WAIT, () -> twilio.createdCalls().get(0).callbacksSent() == 4, "callbacks counted");
        CreatedCall call = twilio.createdCalls().get(0);
        assertThat(call.status()).isEqualTo("completed");
        assertThat(call.result().outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(twilio.stats()).containsEntry("statusCallbacksSent", 4L).containsEntry("callsAnswered", 1L);
    }

    @Test
    void spaceJoinedStatusCallbackEventsAreDroppedLikeTwilioDoes() throws Exception {
        post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Twiml",
                "<Response><Hangup/></Response>", "StatusCallback", statusUrl(), "StatusCallbackEvent",
                "initiated ringing answered");

        Await.until(WAIT, () -> twilio.createdCalls().get(0).status().equals("completed"), "call completed");
        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 1, "the completed callback");
        assertThat(twilio.createdCalls().get(0).events()).containsExactly("completed");
        assertThat(gateway.statusCallbacks.get(0)).containsEntry("CallStatus", "completed")
                .containsEntry("SequenceNumber", "0");
    }

    @Test
    void answeredCallOpensTheMediaStreamAndStatusCompletedEndsIt() throws Exception {
        HttpResponse<String> created = post(calls + ".json", "To", "+14155550199", "From", "+14155550100",
                "Url", voiceUrl(), "StatusCallback", statusUrl());
        String sid = JSON.readTree(created.body()).path("sid").asText();

        Await.until(WAIT, () -> !gateway.connections.isEmpty() && gateway.connections.get(0).streamSid() != null,
                "the media stream opened");
        assertThat(gateway.voiceWebhooks).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("CallSid", sid).containsEntry("Direction", "outbound-api")
                .containsEntry("CallStatus", "in-progress").containsEntry("To", "+14155550199"));
        assertThat(twilio.createdCalls().get(0).status()).isEqualTo("in-progress");
        assertThat(gateway.connections.get(0).events("start").get(0).path("start").path("callSid").asText())
                .isEqualTo(sid);

        HttpResponse<String> ended = post(calls + "/" + sid + ".json", "Status", "completed");

        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ended.body()).path("sid").asText()).isEqualTo(sid);
        Await.until(WAIT, () -> twilio.createdCalls().get(0).result() != null, "the call ended");
        CreatedCall call = twilio.createdCalls().get(0);
        assertThat(call.status()).isEqualTo("completed");
        assertThat(call.result().outcome()).isEqualTo(Outcome.ENDED);
        Await.until(WAIT, () -> !gateway.connections.get(0).events("stop").isEmpty(), "stop received");
        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 1, "the completed callback");
        assertThat(gateway.statusCallbacks.get(0)).containsEntry("CallStatus", "completed");
        assertThat(twilio.stats()).containsEntry("callsActive", 0L).containsEntry("callsDialled", 1L);
    }

    @Test
    void cancelingARingingCallEndsItAsCanceled() throws Exception {
        twilio.configure(s -> s.withAnswer("answered", 1, 60_000));
        String sid = JSON.readTree(post(calls + ".json", "To", "+14155550199", "From", "+14155550100", "Url",
                voiceUrl(), "StatusCallback", statusUrl()).body()).path("sid").asText();
        Await.until(WAIT, () -> twilio.createdCalls().get(0).status().equals("ringing"), "ringing");

        HttpResponse<String> canceled = post(calls + "/" + sid + ".json", "Status", "canceled");

        assertThat(JSON.readTree(canceled.body()).path("status").asText()).isEqualTo("canceled");
        Await.until(WAIT, () -> gateway.statusCallbacks.size() == 1, "the completed callback");
        assertThat(gateway.statusCallbacks.get(0)).containsEntry("CallStatus", "canceled");
        assertThat(gateway.voiceWebhooks).isEmpty();
        assertError(post(calls + "/CA00000000000000000000000000000000.json", "Status", "completed"), 404, 20404,
                null);
    }
}
