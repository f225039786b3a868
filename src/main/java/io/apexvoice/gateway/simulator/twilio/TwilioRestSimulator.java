package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.simulator.SimulatorServer;
import io.apexvoice.gateway.simulator.call.CallIdentity;
import io.apexvoice.gateway.simulator.call.CallOptions;
import io.apexvoice.gateway.simulator.call.CallReport;
import io.apexvoice.gateway.simulator.call.CallSimulator;
import io.apexvoice.gateway.simulator.call.CallerScript;
import io.apexvoice.gateway.simulator.call.ScriptParser;
import io.apexvoice.gateway.simulator.call.ScriptStep;
import io.apexvoice.gateway.simulator.call.Sids;
import io.apexvoice.gateway.simulator.call.WebhookSender;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's REST API for outbound calls on loopback (PROTOCOLS §3, SPEC §9):
 * <ul>
 *   <li>{@code POST /2010-04-01/Accounts/{AccountSid}/Calls.json}: Basic auth {@code AccountSid:AuthToken} (401,
 *       code 20003), the path's account must be the authenticated one; the form validated by
 *       {@link CallCreateRequest}; 201 with the Call resource, {@code status} {@code queued}, {@code queue_time}
 *       from CPS pacing (calls over {@link Settings#cps()} wait, they are not refused); then {@link Dialler} rings
 *       and answers the call.</li>
 *   <li>{@code POST …/Calls/{CallSid}.json} ({@link CallUpdate}): {@code Status=completed|canceled} ends the call;
 *       {@code Twiml} or {@code Url} redirects a call in progress to new TwiML ({@code <Dial>}, {@code <Play
 *       digits>}, {@code <Say>}, {@code <Hangup/>} are recorded, the media stream stops, the call completes, or
 *       goes on on a new stream when the TwiML has a {@code <Connect><Stream>});
 *       200 with the call; 404 20404 for an unknown call; 400 21220 for a redirect of a call not in progress or
 *       any update of an ended one</li>
 *   <li>{@code GET …/Calls/{CallSid}.json}: the call.</li>
 * </ul>
 * Faults: {@link Settings#rejectNextCount()} requests answered with {@link Settings#rejectNextStatus()} (429 →
 * code 20429, 5xx → 20500/20503); more than {@link Settings#concurrentRequestLimit()} requests in flight → 429
 * 20429; any {@code To} in {@link Settings#invalidNumbers()} → 21211; {@link Settings#requestDelayMs()} of latency.
 * Answering machine detection on create ({@code MachineDetection}, {@code AsyncAmd}, …): see {@link Dialler} and
 * {@link AnsweringMachine}; who answers each number is {@link Settings#answeredBy()}.
 */
public final class TwilioRestSimulator extends SimulatorServer<TwilioRestSimulator.Settings> {

    public static final String NAME = "twilio";
    private static final Logger log = LoggerFactory.getLogger(TwilioRestSimulator.class);
    private static final String CALLS = "/2010-04-01/Accounts/([^/]+)/Calls";

    /**
     * @param accountSid             the one account ({@code AC} + 32 hex)
     * @param authToken              its auth token: checks Basic auth and signs status callbacks and webhooks
     * @param cps                    calls per second per account (Twilio's default is 1)
     * @param concurrentRequestLimit REST requests in flight before 429 20429; 0 = unlimited
     * @param requestDelayMs         latency added to every REST request
     * @param rejectNextStatus       status for the next {@code rejectNextCount} requests: 429 or 5xx
     * @param rejectNextCount        how many requests to reject (counts down)
     * @param invalidNumbers         {@code To} numbers answered with 21211
     * @param ringDelayMs            dialled → ringing
     * @param answerDelayMs          ringing → the answer outcome
     * @param answer                 {@code answered}, {@code busy}, {@code no-answer} or {@code failed}
     * @param calleeScript           the callee's caller script as YAML/JSON text; null = "Hello?" and short replies
     * @param mediaUrl               connect media streams here instead of the TwiML's URL; null to follow TwiML
     * @param callTimeoutMs          an answered call that has not ended after this fails
     * @param answeredBy             who answers a callee number, by {@code To}: {@code human}, {@code machine_start},
     *                               {@code machine_end_beep|silence|other}, {@code fax} or {@code unknown}
     * @param defaultAnsweredBy      who answers the numbers not in {@code answeredBy}
     * @param amdDelayMs             answer → the answering machine detection result ({@code MachineDetectionDuration})
     */
    public record Settings(String accountSid, String authToken, double cps, int concurrentRequestLimit,
            long requestDelayMs, int rejectNextStatus, int rejectNextCount, List<String> invalidNumbers,
            long ringDelayMs, long answerDelayMs, String answer, String calleeScript, String mediaUrl,
            long callTimeoutMs, Map<String, String> answeredBy, String defaultAnsweredBy, long amdDelayMs) {

        static final Set<String> ANSWERS = Set.of("answered", "busy", "no-answer", "failed");
        static final Duration DEFAULT_CALLEE_WAIT = Duration.ofSeconds(20);
        static final Duration MACHINE_RECORDING = Duration.ofSeconds(60);

        public Settings {
            invalidNumbers = invalidNumbers == null ? List.of() : List.copyOf(invalidNumbers);
            answeredBy = answeredBy == null ? Map.of() : Map.copyOf(answeredBy);
            defaultAnsweredBy = defaultAnsweredBy == null ? "human" : defaultAnsweredBy;
            if (!ANSWERS.contains(answer)) {
                throw new IllegalArgumentException("answer must be one of " + ANSWERS);
            }
            if (!AnsweringMachine.ANSWERS.contains(defaultAnsweredBy)
                    || !AnsweringMachine.ANSWERS.containsAll(answeredBy.values())) {
                throw new IllegalArgumentException("answeredBy values must be one of " + AnsweringMachine.ANSWERS);
            }
            if (!(cps > 0) || concurrentRequestLimit < 0 || requestDelayMs < 0 || rejectNextCount < 0
                    || ringDelayMs < 0 || answerDelayMs < 0 || callTimeoutMs <= 0 || amdDelayMs < 0) {
                throw new IllegalArgumentException("cps and callTimeoutMs must be > 0, the others >= 0");
            }
            if (rejectNextCount > 0 && rejectNextStatus != 429 && (rejectNextStatus < 500 || rejectNextStatus > 599)) {
                throw new IllegalArgumentException("rejectNextStatus must be 429 or 5xx");
            }
            if (calleeScript != null) {
                ScriptParser.parse(calleeScript, null);
            }
        }

        /**
         * Account {@code AC000…}, token {@code local-dev-auth-token}, 1 CPS, answered after 1 s by a person, AMD
         * 2 s, no faults.
         */
        public static Settings defaults() {
            return new Settings("AC00000000000000000000000000000000", "local-dev-auth-token", 1, 0, 0, 0, 0,
                    List.of(), 100, 1000, "answered", null, null, 120_000, Map.of(), "human", 2000);
        }

        public Settings withAccount(String sid, String token) {
            return new Settings(sid, token, cps, concurrentRequestLimit, requestDelayMs, rejectNextStatus,
                    rejectNextCount, invalidNumbers, ringDelayMs, answerDelayMs, answer, calleeScript, mediaUrl,
                    callTimeoutMs, answeredBy, defaultAnsweredBy, amdDelayMs);
        }

        public Settings withCps(double value) {
            return new Settings(accountSid, authToken, value, concurrentRequestLimit, requestDelayMs,
                    rejectNextStatus, rejectNextCount, invalidNumbers, ringDelayMs, answerDelayMs, answer,
                    calleeScript, mediaUrl, callTimeoutMs, answeredBy, defaultAnsweredBy, amdDelayMs);
        }

        public Settings withRejectNext(int status, int count) {
            return new Settings(accountSid, authToken, cps, concurrentRequestLimit, requestDelayMs, status, count,
                    invalidNumbers, ringDelayMs, answerDelayMs, answer, calleeScript, mediaUrl, callTimeoutMs,
                    answeredBy, defaultAnsweredBy, amdDelayMs);
        }

        public Settings withRequests(int limit, long delayMs) {
            return new Settings(accountSid, authToken, cps, limit, delayMs, rejectNextStatus, rejectNextCount,
                    invalidNumbers, ringDelayMs, answerDelayMs, answer, calleeScript, mediaUrl, callTimeoutMs,
                    answeredBy, defaultAnsweredBy, amdDelayMs);
        }

        public Settings withInvalidNumbers(List<String> numbers) {
            return new Settings(accountSid, authToken, cps, concurrentRequestLimit, requestDelayMs,
                    rejectNextStatus, rejectNextCount, numbers, ringDelayMs, answerDelayMs, answer, calleeScript,
                    mediaUrl, callTimeoutMs, answeredBy, defaultAnsweredBy, amdDelayMs);
        }

        public Settings withAnswer(String outcome, long ringMs, long answerMs) {
            return new Settings(accountSid, authToken, cps, concurrentRequestLimit, requestDelayMs,
                    rejectNextStatus, rejectNextCount, invalidNumbers, ringMs, answerMs, outcome, calleeScript,
                    mediaUrl, callTimeoutMs, answeredBy, defaultAnsweredBy, amdDelayMs);
        }

        public Settings withCallee(String script, String media) {
            return new Settings(accountSid, authToken, cps, concurrentRequestLimit, requestDelayMs,
                    rejectNextStatus, rejectNextCount, invalidNumbers, ringDelayMs, answerDelayMs, answer, script,
                    media, callTimeoutMs, answeredBy, defaultAnsweredBy, amdDelayMs);
        }

        /** {@code number} is answered by {@code who} (see {@link AnsweringMachine#ANSWERS}). */
        public Settings withAnsweredBy(String number, String who) {
            Map<String, String> answers = new HashMap<>(answeredBy);
            answers.put(number, who);
            return new Settings(accountSid, authToken, cps, concurrentRequestLimit, requestDelayMs,
                    rejectNextStatus, rejectNextCount, invalidNumbers, ringDelayMs, answerDelayMs, answer,
                    calleeScript, mediaUrl, callTimeoutMs, answers, defaultAnsweredBy, amdDelayMs);
        }

        /** Numbers not set by {@link #withAnsweredBy} are answered by {@code who}; detection takes {@code delayMs}. */
        public Settings withAmd(String who, long delayMs) {
            return new Settings(accountSid, authToken, cps, concurrentRequestLimit, requestDelayMs,
                    rejectNextStatus, rejectNextCount, invalidNumbers, ringDelayMs, answerDelayMs, answer,
                    calleeScript, mediaUrl, callTimeoutMs, answeredBy, who, delayMs);
        }

        /** Who answers {@code number}. */
        String answeredBy(String number) {
            return answeredBy.getOrDefault(number, defaultAnsweredBy);
        }

        /**
         * A machine or fax callee listens in silence (a voicemail box recording) for up to 60 s, or half the call
         * timeout when that is shorter, then hangs up; it never talks back.
         */
        CallerScript machineScript() {
            Duration listen = Duration.ofMillis(Math.min(MACHINE_RECORDING.toMillis(), callTimeoutMs / 2));
            return CallerScript.of(new ScriptStep.Silence(listen), new ScriptStep.Hangup());
        }

        /**
         * The given callee script, else "Hello?", the agent's greeting and reply, one more sentence, its reply,
         * hang-up. Each wait allows 20 s: the demo tenant's greeting and its reply to the "Hello?" said over it are
         * 9-11 s of audio, so a 10 s wait ended campaign demo calls after their first reply.
         */
        CallerScript calleeScriptOrDefault() {
            return calleeScript != null ? ScriptParser.parse(calleeScript, null) : CallerScript.of(
                    new ScriptStep.Say("Hello?"),
                    new ScriptStep.WaitForAgent(DEFAULT_CALLEE_WAIT, Duration.ofMillis(250)),
                    new ScriptStep.Say("Yes, that works for me."),
                    new ScriptStep.WaitForAgent(DEFAULT_CALLEE_WAIT, Duration.ofMillis(250)),
                    new ScriptStep.Hangup());
        }

        @Override
        public String toString() {
            return "Settings[accountSid=" + accountSid + ", cps=" + cps + ", answer=" + answer + ", authToken=(hidden)]";
        }
    }

    private final RestStats stats = new RestStats();
    private final CallSimulator callSimulator;
    private final Dialler dialler;
    private final Map<String, SimulatedCall> calls = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<SimulatedCall> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final HttpClient callbacks;

    public TwilioRestSimulator(Vertx vertx, Settings defaults) {
        super(vertx, NAME, defaults, Settings.class);
        this.callSimulator = new CallSimulator(vertx);
        this.callbacks = vertx.createHttpClient();
        this.dialler = new Dialler(vertx, callSimulator, new WebhookSender(callbacks, Duration.ofSeconds(10)),
                this::settings, stats);
    }

    /** @return REST requests received and not yet answered (held by {@link Settings#withRequests} latency, say) */
    public int requestsInProgress() {
        return inFlight.get();
    }

    /** Every call created since start or the last reset, in creation order. */
    public List<CreatedCall> createdCalls() {
        return order.stream().map(SimulatedCall::snapshot).toList();
    }

    /**
     * Places inbound calls through this simulated Twilio: the call simulator runs them against {@code options}
     * as {@link CallSimulator#start} does, and the REST API knows each one by its CallSid before its voice webhook
     * is sent, so the gateway can redirect it (a transfer, keys) or end it. {@link #createdCalls()} lists them too
     * ({@code in-progress}, then {@code completed}); their status callbacks are the call simulator's.
     *
     * @return completes with every call's result, in call order (never exceptionally)
     */
    public CompletableFuture<CallReport> callIn(CallOptions options) {
        return callSimulator.start(options, (identity, running) -> {
            Instant now = Instant.now();
            SimulatedCall call = new SimulatedCall(identity, CallCreateRequest.inbound(identity.to(),
                    identity.from()), now, 0);
            call.status("in-progress", now);
            call.running(running);
            calls.put(identity.callSid(), call);
            order.add(call);
            running.result().thenAccept(result -> call.end("completed", Instant.now(), result));
        });
    }

    /** The accepted REST updates of call {@code callSid}, in order (empty for an unknown call). */
    public List<CallUpdate> updates(String callSid) {
        SimulatedCall call = calls.get(callSid);
        return call == null ? List.of() : call.snapshot().updates();
    }

    @Override
    protected void routes(Router router) {
        router.route("/2010-04-01/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.route("/2010-04-01/*").handler(this::admit);
        router.postWithRegex(CALLS + "\\.json").handler(this::create);
        router.postWithRegex(CALLS + "/([^/]+)\\.json").handler(this::update);
        router.getWithRegex(CALLS + "/([^/]+)\\.json").handler(ctx -> json(ctx, 200, call(ctx).json()));
        router.route("/2010-04-01/*").failureHandler(this::failure);
    }

    @Override
    protected Map<String, Object> stats() {
        return stats.toMap();
    }

    @Override
    protected void clearStats() {
        stats.clear();
        dialler.forgetPacing();
        order.clear();
        calls.clear();
    }

    @Override
    public synchronized void close() {
        dialler.close(order);
        callSimulator.close();
        callbacks.close();
        super.close();
    }

    /** Concurrency limit, latency, Basic auth, account match and injected rejections, in that order. */
    private void admit(RoutingContext ctx) {
        Settings current = settings();
        int running = inFlight.incrementAndGet();
        ctx.addEndHandler(v -> inFlight.decrementAndGet());
        ctx.response().putHeader("Twilio-Request-Id", "RQ" + Sids.call().substring(2))
                .putHeader("Twilio-Concurrent-Requests", Integer.toString(running));
        if (current.concurrentRequestLimit() > 0 && running > current.concurrentRequestLimit()) {
            ctx.fail(RestError.tooManyRequests());
            return;
        }
        Runnable checks = () -> {
            if (!RestAuth.allows(ctx.request().getHeader("Authorization"), ctx.request().path(),
                    current.accountSid(), current.authToken())) {
                ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"Twilio API\"");
                ctx.fail(RestError.authenticate());
            } else if (takeRejection()) {
                ctx.fail(current.rejectNextStatus() == 429 ? RestError.tooManyRequests()
                        : RestError.serverError(current.rejectNextStatus()));
            } else {
                ctx.next();
            }
        };
        if (current.requestDelayMs() > 0) {
            vertx().setTimer(current.requestDelayMs(), id -> checks.run());
        } else {
            checks.run();
        }
    }

    private void create(RoutingContext ctx) {
        Settings current = settings();
        CallCreateRequest request = CallCreateRequest.parse(ctx.request().formAttributes(), current.invalidNumbers());
        long queueTime = dialler.reserve(current.accountSid(), current.cps(), System.nanoTime());
        CallIdentity identity = new CallIdentity(current.accountSid(), Sids.call(), request.from(), request.to(),
                "outbound-api");
        SimulatedCall call = new SimulatedCall(identity, request, Instant.now(), queueTime);
        calls.put(identity.callSid(), call);
        order.add(call);
        stats.created.incrementAndGet();
        json(ctx, 201, call.json());
        dialler.dial(call, queueTime);
    }

    private void update(RoutingContext ctx) {
        SimulatedCall call = call(ctx);
        CallUpdate update = CallUpdate.parse(ctx.request().formAttributes(), Instant.now());
        if (update.redirects() && !call.status().equals("in-progress")) {
            throw new RestError(400, 21220, "Call is not in-progress. Cannot redirect.");
        }
        if (call.ended()) {
            throw new RestError(400, 21220, "Call is not in-progress. Cannot update.");
        }
        dialler.update(call, update);
        json(ctx, 200, call.json());
    }

    private SimulatedCall call(RoutingContext ctx) {
        SimulatedCall call = calls.get(ctx.pathParam("param1"));
        if (call == null) {
            throw RestError.notFound(ctx.request().path());
        }
        return call;
    }

    private void failure(RoutingContext ctx) {
        if (ctx.failure() instanceof RestError error) {
            stats.rejected(error.code());
            json(ctx, error.status(), error.body());
        } else if (ctx.failure() != null) {
            log.warn("Twilio REST simulator failed on {} {}", ctx.request().method(), ctx.request().path(),
                    ctx.failure());
            stats.rejected(20500);
            json(ctx, 500, RestError.serverError(500).body());
        } else {
            json(ctx, ctx.statusCode(), new RestError(ctx.statusCode(), ctx.statusCode(), "HTTP error").body());
        }
    }

    /** Consumes one injected rejection, if any is left. */
    private boolean takeRejection() {
        AtomicReference<Boolean> taken = new AtomicReference<>(false);
        configure(s -> {
            taken.set(s.rejectNextCount() > 0);
            return s.rejectNextCount() > 0 ? s.withRejectNext(s.rejectNextStatus(), s.rejectNextCount() - 1) : s;
        });
        return taken.get();
    }
}
