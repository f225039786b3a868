package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.apexvoice.gateway.simulator.call.FakeGateway.Agent;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate-call}: arguments, exit codes and what it prints. */
class SimulateCallCommandTests {

    static Vertx vertx;
    static FakeGateway gateway;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startGateway() {
        vertx = Vertx.vertx();
        gateway = new FakeGateway(vertx);
        gateway.agent = Agent.greeting(5).replying(5, 50);
    }

    @AfterAll
    static void stopGateway() throws Exception {
        gateway.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int run(Map<String, String> env, String... args) {
        return SimulateCallCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
    }

    @Test
    void badArgumentsExitWithTwoAndTheUsage() {
        assertThat(run(Map.of(), "--calls", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--gateway is required").contains("usage: simulate-call");
        err.reset();
        assertThat(run(Map.of(), "--gateway", "http://127.0.0.1:1", "--calls", "zero")).isEqualTo(2);
        assertThat(err.toString()).contains("--calls must be a whole number");
        err.reset();
        assertThat(run(Map.of(), "--gateway", "http://127.0.0.1:1", "--bogus", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown option --bogus");
        err.reset();
        assertThat(run(Map.of(), "--gateway", "http://127.0.0.1:1", "--tenant", "Not Valid")).isEqualTo(2);
        assertThat(err.toString()).contains("tenant must match");
        err.reset();
        assertThat(run(Map.of(), "--gateway", "http://127.0.0.1:1", "--script", "/nonexistent.yaml")).isEqualTo(2);
        assertThat(err.toString()).contains("/nonexistent.yaml: cannot read");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void runsTwoCallsPrintsTwoTimelinesAndASummaryAndExitsZero(@TempDir Path dir) throws IOException {
        Path script = dir.resolve("caller.yaml");
        Files.writeString(script, """
                - waitForAgent: { timeoutMs: 3000, settleMs: 100 }
                - say: "hi"
                - waitForAgent: { timeoutMs: 3000, settleMs: 100 }
                - hangup
                """);

        int exit = run(Map.of("TWILIO_AUTH_TOKEN", FakeGateway.TOKEN), "--gateway", gateway.baseUrl(),
                "--public-url", FakeGateway.PUBLIC_BASE, "--tenant", "acme", "--calls", "2", "--ramp", "0.2",
                "--script", script.toString());

        String printed = out.toString();
        assertThat(exit).as(printed + err).isEqualTo(0);
        assertThat(printed).contains("simulate-call: 2 call(s) to " + gateway.baseUrl() + "/twilio/acme/voice")
                .contains("token from env TWILIO_AUTH_TOKEN")
                .containsPattern("(?m)^call 1 CA[0-9a-f]{32}  COMPLETED  steps 4/4$")
                .containsPattern("(?m)^call 2 CA[0-9a-f]{32}  COMPLETED  steps 4/4$")
                .contains("turn latency").contains("greeting latency")
                .containsPattern("(?m)^summary: calls=2 completed=2 refused=0 ended=0 failed=0 \\| greeting first "
                        + "frame p50=\\d+ p95=\\d+ max=\\d+ ms \\(n=2\\) \\| turn latency p50=\\d+ p95=\\d+ max=\\d+ ms "
                        + "\\(n=2\\)")
                .doesNotContain(FakeGateway.TOKEN);
    }

    @Test
    void exitsOneWhenACallDoesNotCompleteItsScript() {
        int exit = run(Map.of(), "--gateway", gateway.baseUrl(), "--public-url", FakeGateway.PUBLIC_BASE,
                "--auth-token", "not-the-token", "--timeout", "5");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("FAILED (voice webhook answered 403: invalid signature)")
                .contains("summary: calls=1 completed=0 refused=0 ended=0 failed=1")
                .contains("token from --auth-token").doesNotContain("not-the-token");
    }
}
