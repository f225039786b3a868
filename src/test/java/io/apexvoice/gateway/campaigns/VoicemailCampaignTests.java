package io.apexvoice.gateway.campaigns;

import static io.apexvoice.gateway.testsupport.GatewayTestClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.call.Turn;
import io.apexvoice.gateway.media.ActiveCalls;
import io.apexvoice.gateway.records.CallRecord;
import io.apexvoice.gateway.records.CallRecordStore;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.twilio.CallUpdate;
import io.apexvoice.gateway.simulator.twilio.CreatedCall;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.FreePorts;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.apexvoice.gateway.testsupport.RedisTestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Answering machine detection on campaign calls end to end (issue 15): the campaign API, the dispatcher, real Redis
 * and the Twilio REST simulator, which places each call with the detection the create-call request asked for, lets
 * the call simulator answer it as a person (who talks) or a voicemail box (which listens and records), and posts
 * the signed {@code AnsweredBy} to the gateway's {@code twilio-amd-callback} route.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"apex.campaigns.cps=20", "apex.campaigns.poll-interval=50",
                "apex.campaigns.housekeeping-interval=100", "apex.campaigns.request-timeout=2s"})
@ActiveProfiles("test")
class VoicemailCampaignTests {

    static final CampaignFixture FIXTURE = new CampaignFixture(1);
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String MESSAGE = "Hi {{name}}, this is Acme about your appointment, please call us back.";

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @Autowired
    CallRecordStore records;
    @Autowired
    CampaignQueue queue;
    @Autowired
    Campaigns campaigns;
    @Autowired
    DispatchControl dispatch;
    @Autowired
    ActiveCalls activeCalls;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ApplicationContext context;

    /** A second gateway process (gateway role) on the same Redis, started by the first test that needs it. */
    static ConfigurableApplicationContext secondGateway;
    static int secondPort;

    @AfterAll
    static void stop() {
        if (secondGateway != null) {
            secondGateway.close();
        }
        FIXTURE.close();
    }

    @Test
    void theVoicemailBoxGetsTheMessageWithTheContactsNameAndThePersonTheConversation() {
        String machine = "+14155551001";
        String person = "+14155551002";
        FIXTURE.twilio.configure(s -> s.withAnswer("answered", 1, 50).withAnsweredBy(machine, "machine_end_beep")
                .withAmd("human", 2500));
        double beepsBefore = amdResults("machine_end_beep");

        String campaign = FIXTURE.create(0, campaign(List.of(machine, person), List.of("Ann", "Bob"), "leave"));

        Await.until(WAIT, () -> FIXTURE.progress(0, campaign).get("completed") == 2
                && progress(campaign).path("voicemailLeft").asLong() == 1, "both calls over, the message left");
        CreatedCall voicemail = call(machine);
        CreatedCall conversation = call(person);
        String rendered = "Hi Ann, this is Acme about your appointment, please call us back.";

        assertThat(voicemail.answeredBy()).isEqualTo("machine_end_beep");
        assertThat(FIXTURE.azure.requestsFor(rendered)).as("the message with the contact's name").isPositive();
        assertThat(voicemail.result().agent().marksPlayed()).as(voicemail.result().toText()).isPositive();
        assertThat(voicemail.result().agent().playedMillis()).as("the machine recorded at least the message")
                .isGreaterThanOrEqualTo(70L * rendered.length());
        assertThat(voicemail.updates()).as("hung up through REST").extracting(CallUpdate::status)
                .containsExactly("completed");
        assertThat(voicemail.result().outcome()).isEqualTo(CallResult.Outcome.ENDED);
        assertThat(voicemail.status()).isEqualTo("completed");
        CallRecord voicemailRecord = record(voicemail);
        assertThat(voicemailRecord.answeredBy()).isEqualTo("machine_end_beep");
        assertThat(voicemailRecord.voicemail()).isEqualTo("left");
        assertThat(voicemailRecord.status()).isEqualTo("completed");

        assertThat(conversation.answeredBy()).isEqualTo("human");
        assertThat(conversation.updates()).as("no REST update: the person hung up").isEmpty();
        assertThat(conversation.result().outcome()).as(conversation.result().toText())
                .isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(FIXTURE.azure.requestsFor(rendered.replace("Ann", "Bob"))).isZero();
        CallRecord conversationRecord = record(conversation);
        assertThat(conversationRecord.answeredBy()).isEqualTo("human");
        assertThat(conversationRecord.voicemail()).isNull();
        assertThat(conversationRecord.turns()).extracting(Turn::role)
                .containsSubsequence(Turn.Role.assistant, Turn.Role.user, Turn.Role.assistant, Turn.Role.user);

        JsonNode progress = progress(campaign);
        assertThat(progress.path("voicemail").path("policy").asText()).isEqualTo("leave");
        assertThat(counters(progress)).containsEntry("answeredHuman", 1L).containsEntry("answeredMachine", 1L)
                .containsEntry("voicemailLeft", 1L).containsEntry("machineHungUp", 0L).containsEntry("fax", 0L);
        assertThat(amdResults("machine_end_beep") - beepsBefore).isEqualTo(1.0);
    }

    @Test
    void policyHangupHangsUpOnTheMachineWithoutTheMessage() {
        String campaign = hungUpWithoutTheMessage("+14155551011", "machine_end_silence", "hangup");

        assertThat(counters(progress(campaign))).containsEntry("answeredMachine", 1L).containsEntry("fax", 0L)
                .containsEntry("machineHungUp", 1L).containsEntry("voicemailLeft", 0L);
    }

    @Test
    void aFaxIsHungUpWithoutTheMessageWhateverThePolicy() {
        String campaign = hungUpWithoutTheMessage("+14155551051", "fax", "leave");

        assertThat(counters(progress(campaign))).containsEntry("fax", 1L).containsEntry("answeredMachine", 0L)
                .containsEntry("machineHungUp", 1L).containsEntry("voicemailLeft", 0L);
    }

    /**
     * A campaign of one contact that {@code answeredBy} answers: its call is hung up through REST, no message
     * synthesised, the record says so.
     *
     * @return the campaign's id
     */
    private String hungUpWithoutTheMessage(String number, String answeredBy, String policy) {
        FIXTURE.twilio.configure(s -> s.withAnswer("answered", 1, 50).withAnsweredBy(number, answeredBy)
                .withAmd("human", 1500));

        String campaign = FIXTURE.create(0, campaign(List.of(number), List.of("Dee"), policy));

        Await.until(WAIT, () -> FIXTURE.progress(0, campaign).get("completed") == 1
                && progress(campaign).path("machineHungUp").asLong() == 1, "the call hung up");
        CreatedCall call = call(number);
        assertThat(call.answeredBy()).isEqualTo(answeredBy);
        assertThat(call.updates()).extracting(CallUpdate::status).containsExactly("completed");
        assertThat(call.result().outcome()).isEqualTo(CallResult.Outcome.ENDED);
        assertThat(FIXTURE.azure.requestsFor(MESSAGE.replace("{{name}}", "Dee"))).isZero();
        CallRecord record = record(call);
        assertThat(record.answeredBy()).isEqualTo(answeredBy);
        assertThat(record.voicemail()).isEqualTo("hung_up");
        return campaign;
    }

    @Test
    void rejectsUnsignedAndIncompleteCallbacksAndActsOnceOnADuplicate() throws Exception {
        TenantId tenant = TenantId.of(FIXTURE.tenant(0));
        String path = "/twilio/" + tenant.value() + "/amd";
        GatewayTestClient client = new GatewayTestClient(FIXTURE.serverPort, "http://127.0.0.1:" + FIXTURE.serverPort);
        CallSid sid = RandomIds.callSid();
        dispatch.suspendTenant(tenant.value());
        String campaignId;
        try {
            campaignId = campaigns.create(tenant, new NewCampaign("dup", 1, List.of(new NewCampaign.Contact(
                    "+14155551021", Map.of())), null, new Voicemail(null, Voicemail.Policy.hangup)),
                    Optional.empty()).campaignId();
            CampaignJob job = queue.claim(tenant, Instant.now().plusSeconds(60)).orElseThrow();
            queue.dialed(job, sid, Instant.now().plusSeconds(600));
        } finally {
            dispatch.resumeTenant(tenant.value());
        }
        var beep = form("CallSid", sid.value(), "AccountSid", CampaignFixture.ACCOUNT, "AnsweredBy",
                "machine_end_beep");

        assertThat(client.post(path, GatewayTestClient.encode(beep), "application/x-www-form-urlencoded", Map.of())
                .statusCode()).as("unsigned").isEqualTo(403);
        assertThat(client.postSigned(CampaignFixture.AUTH_TOKEN, path, form("AnsweredBy", "human")).statusCode())
                .as("no CallSid").isEqualTo(400);
        assertThat(client.postSigned(CampaignFixture.AUTH_TOKEN, path, form("CallSid", sid.value())).statusCode())
                .as("no AnsweredBy").isEqualTo(400);
        assertThat(client.postSigned(CampaignFixture.AUTH_TOKEN, path, form("CallSid", sid.value(), "AnsweredBy",
                "robot")).statusCode()).as("not one of Twilio's values").isEqualTo(400);
        assertThat(counters(campaigns.progress(tenant, campaignId).orElseThrow())).as("nothing counted yet")
                .containsEntry("answeredMachine", 0L);

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(client.postSigned(CampaignFixture.AUTH_TOKEN, path, beep));
        }

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(204);
        Map<String, Object> progress = campaigns.progress(tenant, campaignId).orElseThrow();
        assertThat(counters(progress)).containsEntry("answeredMachine", 1L).containsEntry("machineHungUp", 1L);
        CallRecord record = records.find(tenant, sid).orElseThrow();
        assertThat(record.answeredBy()).isEqualTo("machine_end_beep");
        assertThat(record.voicemail()).isEqualTo("hung_up");
    }

    @Test
    void theCallbackReachingAGatewayWithoutTheCallIsCarriedOutWhereTheCallIs() {
        String machine = "+14155551031";
        String campaign = liveMachineCall(machine, "Cy");
        CreatedCall live = call(machine);

        HttpResponse<String> answer = amdOnSecondGateway(live);

        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(secondGateway.getBean(ActiveCalls.class).find(CallSid.of(live.sid()))).as("not held there")
                .isEmpty();
        Await.until(WAIT, () -> "completed".equals(call(machine).status())
                && progress(campaign).path("voicemailLeft").asLong() == 1, "the message left, the call over");
        String rendered = MESSAGE.replace("{{name}}", "Cy");
        assertThat(FIXTURE.azure.requestsFor(rendered)).as("spoken in the tenant's voice").isPositive();
        assertThat(call(machine).updates()).extracting(CallUpdate::status).containsExactly("completed");
        assertThat(record(call(machine)).voicemail()).as("written where the call is").isEqualTo("left");
        assertThat(secondRecord(call(machine), r -> r.answeredBy() != null).answeredBy())
                .as("written where the callback came").isEqualTo("machine_end_beep");
    }

    @Test
    void whenNoGatewayTakesTheCallTwilioSpeaksTheMessage() {
        String machine = "+14155551041";
        String campaign = liveMachineCall(machine, "Eve");
        CreatedCall live = call(machine);
        Lifecycle subscriber = (Lifecycle) context.getBean("callActionSubscriber");
        subscriber.stop(); // the process with the call's stream no longer hears hand-overs
        try {
            assertThat(amdOnSecondGateway(live).statusCode()).isEqualTo(204);

            Await.until(WAIT, () -> "completed".equals(call(machine).status())
                    && progress(campaign).path("voicemailLeft").asLong() == 1, "the message left, the call over");
        } finally {
            subscriber.start();
        }
        String rendered = MESSAGE.replace("{{name}}", "Eve");
        CallUpdate redirect = call(machine).lastRedirect().orElseThrow();
        assertThat(redirect.instructions().says()).containsExactly(rendered);
        assertThat(redirect.instructions().hangsUp()).isTrue();
        assertThat(FIXTURE.azure.requestsFor(rendered)).as("not spoken on the stream").isZero();
        CallRecord record = secondRecord(call(machine), r -> r.voicemail() != null);
        assertThat(record.answeredBy()).isEqualTo("machine_end_beep");
        assertThat(record.voicemail()).isEqualTo("left");
    }

    /** A campaign of one voicemail box whose call is live on the first gateway; the AMD result is the test's. */
    private String liveMachineCall(String machine, String name) {
        // the simulator's own AMD callback would come after 25 s: the test posts the result first
        FIXTURE.twilio.configure(s -> s.withAnswer("answered", 1, 50).withAnsweredBy(machine, "machine_end_beep")
                .withAmd("human", 25_000));
        if (secondGateway == null) {
            secondPort = FreePorts.next();
            secondGateway = startSecondGateway(secondPort);
        }
        String campaign = FIXTURE.create(0, campaign(List.of(machine), List.of(name), "leave"));
        Await.until(WAIT, () -> FIXTURE.callsOf(0).stream().anyMatch(c -> c.to().equals(machine)
                && activeCalls.find(CallSid.of(c.sid())).isPresent()), "the call live on the first gateway");
        return campaign;
    }

    /** Twilio's AMD result for {@code call}, signed, posted to the second gateway. */
    private static HttpResponse<String> amdOnSecondGateway(CreatedCall call) {
        GatewayTestClient client = new GatewayTestClient(secondPort, "http://127.0.0.1:" + FIXTURE.serverPort);
        return client.postSigned(CampaignFixture.AUTH_TOKEN, "/twilio/" + FIXTURE.tenant(0) + "/amd",
                form("CallSid", call.sid(), "AccountSid", CampaignFixture.ACCOUNT, "AnsweredBy", "machine_end_beep",
                        "MachineDetectionDuration", "4000"));
    }

    private static String campaign(List<String> numbers, List<String> names, String policy) {
        StringBuilder contacts = new StringBuilder();
        for (int i = 0; i < numbers.size(); i++) {
            contacts.append(i == 0 ? "" : ",").append("{\"to\":\"").append(numbers.get(i))
                    .append("\",\"variables\":{\"name\":\"").append(names.get(i)).append("\"}}");
        }
        return """
                {"name":"voicemail %s","priority":5,"contacts":[%s],
                 "voicemail":{"message":"%s","policy":"%s"}}""".formatted(policy, contacts, MESSAGE, policy);
    }

    private static CreatedCall call(String to) {
        return FIXTURE.callsOf(0).stream().filter(call -> call.to().equals(to)).reduce((first, last) -> last)
                .orElseThrow();
    }

    private CallRecord record(CreatedCall call) {
        TenantId tenant = TenantId.of(FIXTURE.tenant(0));
        Await.until(WAIT, () -> records.find(tenant, CallSid.of(call.sid())).filter(CallRecord::isTerminal)
                .isPresent(), "the final record of " + call.sid());
        return records.find(tenant, CallSid.of(call.sid())).orElseThrow();
    }

    /** The record as the second gateway wrote it (its own records directory: the file store is single-node). */
    private static CallRecord secondRecord(CreatedCall call, Predicate<CallRecord> written) {
        CallRecordStore store = secondGateway.getBean(CallRecordStore.class);
        TenantId tenant = TenantId.of(FIXTURE.tenant(0));
        Await.until(WAIT, () -> store.find(tenant, CallSid.of(call.sid())).filter(written).isPresent(),
                "the second gateway's record of " + call.sid());
        return store.find(tenant, CallSid.of(call.sid())).orElseThrow();
    }

    private static JsonNode progress(String campaignId) {
        return FIXTURE.request("GET", 0, "/campaigns/" + campaignId, null).json();
    }

    private static Map<String, Long> counters(JsonNode progress) {
        Map<String, Long> counters = new LinkedHashMap<>();
        Campaigns.AMD_COUNTERS.forEach(counter -> counters.put(counter, progress.path(counter).asLong(-1)));
        return counters;
    }

    private static Map<String, Long> counters(Map<String, Object> progress) {
        Map<String, Long> counters = new LinkedHashMap<>();
        Campaigns.AMD_COUNTERS.forEach(counter -> counters.put(counter, (Long) progress.get(counter)));
        return counters;
    }

    private double amdResults(String answeredBy) {
        return meters.find("apex.amd.results").tag("answered_by", answeredBy).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /**
     * A second gateway process (gateway role: no dispatch) on the same Redis and public URL, with a records directory
     * of its own (the file record store serialises writes within one process only).
     */
    private static ConfigurableApplicationContext startSecondGateway(int port) {
        Map<String, String> settings = new LinkedHashMap<>();
        FIXTURE.register((name, value) -> settings.put(name, String.valueOf(value.get())));
        settings.keySet().removeIf(name -> name.startsWith("REDIS_"));
        settings.put("RECORDS_STORE", "file:" + FIXTURE.work.resolve("calls-second"));
        settings.put("server.port", Integer.toString(port));
        int mediaPort = FreePorts.next();
        settings.put("MEDIA_PORT", Integer.toString(mediaPort));
        settings.put("MEDIA_PUBLIC_URL", "ws://127.0.0.1:" + mediaPort + "/twilio/media");
        settings.put("ROLES", "gateway");
        settings.put("INTAKE_WARMUP", "0");
        List<String> args = new ArrayList<>();
        settings.forEach((name, value) -> args.add("--" + name + "=" + value));
        args.add(RedisTestServer.argument());
        return new SpringApplicationBuilder(GatewayApplication.class).profiles("test")
                .run(args.toArray(String[]::new));
    }
}
