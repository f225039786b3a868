package io.apexvoice.gateway.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.GatewayApplication;
import io.apexvoice.gateway.media.MediaPlaneFixtures;
import io.apexvoice.gateway.simulator.call.CallResult;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.testsupport.GatewayTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The LLM circuit breaker opens after failing turns; then turns get the fallback without reaching the LLM. */
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"apex.turn.budget=1s", "apex.turn.circuit-breaker.sliding-window-size=2",
                "apex.turn.circuit-breaker.minimum-calls=2", "apex.turn.circuit-breaker.wait-in-open-state=60s"})
@ActiveProfiles("test")
class ConversationCircuitBreakerTests {

    static final MediaPlaneFixtures.Fixture FIXTURE = MediaPlaneFixtures.withLlm("Hi.");
    static final CallSimulator CALLER = CallSimulator.standalone();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        FIXTURE.register(registry);
    }

    @AfterAll
    static void stop() {
        CALLER.close();
        FIXTURE.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    private static ScriptStep.WaitForAgent waitForAgent() {
        return new ScriptStep.WaitForAgent(Duration.ofSeconds(10), Duration.ofMillis(100));
    }

    @Test
    void opensAfterFailingTurnsAndAnswersTheNextWithTheFallbackWithoutCallingTheLlm() {
        FIXTURE.groq().configure(s -> s.withFailNext(500, 10_000));
        CallResult call = CALLER.run(FIXTURE.call(port, CallerScript.of(waitForAgent(),
                new ScriptStep.Say("first question"), waitForAgent(),
                new ScriptStep.Say("second question"), waitForAgent(),
                new ScriptStep.Say("third question"), waitForAgent(), new ScriptStep.Hangup())).build())
                .results().get(0);

        assertThat(call.outcome()).as(call.toText()).isEqualTo(CallResult.Outcome.COMPLETED);
        assertThat(call.turnLatenciesMs()).as("every turn answered audibly").hasSize(3);
        assertThat(fallbacks("llm_unavailable")).isEqualTo(2);
        assertThat(fallbacks("circuit_open")).isEqualTo(1);
        long llmRequests = FIXTURE.groq().recentRequests().size();
        assertThat(llmRequests).as("no LLM request for the third turn").isPositive();
        assertThat(FIXTURE.groq().recentRequests()).allSatisfy(request -> assertThat(
                request.path("messages").toString()).doesNotContain("Third question"));
        // the breaker comes from the application's registry: its state is scraped with everything else
        String scrape = new GatewayTestClient(port, "http://127.0.0.1:" + port)
                .get("/actuator/prometheus", Map.of()).body();
        assertThat(scrape).containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"llm\",state=\"open\"} 1\\.0")
                .containsPattern("resilience4j_circuitbreaker_not_permitted_calls_total\\{[^}]*name=\"llm\"} 1\\.0")
                .containsPattern("apex_circuit_breaker_transitions_total\\{[^}]*breaker=\"llm\",to=\"open\"} 1\\.0");
    }

    private double fallbacks(String reason) {
        var counter = meters.find("apex.turn.fallbacks").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
