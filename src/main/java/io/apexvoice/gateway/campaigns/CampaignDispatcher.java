package io.apexvoice.gateway.campaigns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.config.PublicEndpoints;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;

/**
 * One dispatcher process's share of campaign dispatch (SPEC §7), run by the {@code campaign-dispatch} route on
 * each poll. A round orders the tenants with queued work by {@link DispatchFairness} and, for the tenant first in
 * line: claims its best job with a lease (priority, then FIFO), parks it if its calling window is closed, takes a
 * concurrent-call slot of the tenant's tier ({@link CallAdmission}, shared with inbound calls), reserves the
 * account's next CPS slot ({@link CallPacer}) and, after the slot's wait, creates the call with Twilio through
 * route {@code twilio-create-call} (the {@code twilio-rest} circuit breaker, {@link TwilioCreateCall}) on one of its
 * sender threads, which waits for Twilio's answer and settles the job. Everything a second dispatcher must see is in
 * Redis, so any number of processes dispatch together.
 * <p>
 * Outcomes: 201 → the job becomes a call linked to it until its final status; 429 / 20429 / 5xx / unreachable →
 * retried after an exponential backoff (dead-lettered after {@code maxAttempts}); refused credentials, or the
 * breaker open (nothing sent) → retried without counting against the contact; another 4xx (21211 invalid number…)
 * → dead letter with Twilio's code and message; an unknown outcome (timeout after sending) → dead letter, because
 * sending again could ring the person twice.
 */
public class CampaignDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CampaignDispatcher.class);

    private final TenantDirectory tenants;
    private final CampaignQueue queue;
    private final CallAdmission admission;
    private final CallPacer pacer;
    private final DispatchFairness fairness;
    private final DispatchControl control;
    private final Function<CallCreationRequest, CallCreation> twilio;
    private final String accountSid;
    private final PublicEndpoints endpoints;
    private final CampaignProperties properties;
    private final CampaignMetrics metrics;
    private final Clock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ScheduledExecutorService sender;

    /**
     * @param twilio creates one call and answers Twilio's outcome, on the calling thread: route
     *               {@code twilio-create-call} ({@link TwilioCreateCall#ENDPOINT})
     */
    public CampaignDispatcher(TenantDirectory tenants, CampaignQueue queue, CallAdmission admission, CallPacer pacer,
            DispatchFairness fairness, DispatchControl control, Function<CallCreationRequest, CallCreation> twilio,
            String accountSid, PublicEndpoints endpoints, CampaignProperties properties, CampaignMetrics metrics,
            Clock clock) {
        this.tenants = tenants;
        this.queue = queue;
        this.admission = admission;
        this.pacer = pacer;
        this.fairness = fairness;
        this.control = control;
        this.twilio = twilio;
        this.accountSid = accountSid;
        this.endpoints = endpoints;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        // a creation holds its thread while Twilio answers: bounded, sized from cps × expected latency
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(properties.senderThreads(), runnable -> {
            Thread thread = new Thread(runnable, "campaign-sender");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.sender = executor;
    }

    /** What one tenant's turn in a round came to. */
    enum Step { DISPATCHED, PARKED, EMPTY, FULL, PACED }

    /**
     * Dispatches as much as CPS pacing, tenant limits and this process's in-flight cap allow right now.
     *
     * @return how many call creations were started
     */
    public int dispatchRound() {
        Set<String> suspended = control.suspended();
        if (suspended.contains(DispatchControl.ALL) || sender.isShutdown()) {
            return 0;
        }
        Map<TenantId, Tenant> withWork = new LinkedHashMap<>();
        for (Tenant tenant : tenants.all()) {
            if (!tenant.suspended() && !suspended.contains(tenant.id().value()) && !tenant.twilio().numbers().isEmpty()) {
                withWork.put(tenant.id(), tenant);
            }
        }
        List<Long> depths = queue.depths(List.copyOf(withWork.keySet()));
        Iterator<Long> depth = depths.iterator();
        withWork.keySet().removeIf(id -> depth.next() == 0);
        int started = 0;
        while (!withWork.isEmpty() && inFlight.get() < properties.maxInFlight()) {
            Step step = null;
            for (TenantId id : fairness.order(withWork.keySet())) {
                step = turn(withWork.get(id), Instant.now(clock));
                if (step == Step.EMPTY) {
                    fairness.leave(id);
                }
                if (step == Step.EMPTY || step == Step.FULL) {
                    withWork.remove(id);
                    continue;
                }
                break;
            }
            if (step == Step.PACED || step == null || step == Step.EMPTY || step == Step.FULL) {
                break;
            }
            if (step == Step.DISPATCHED) {
                started++;
            }
        }
        return started;
    }

    private Step turn(Tenant tenant, Instant now) {
        TenantId id = tenant.id();
        int maxCalls = tenant.tier().maxConcurrentCalls();
        if (admission.active(id, now) >= maxCalls) {
            return Step.FULL;
        }
        Optional<CampaignJob> claimed = queue.claim(id, now.plus(properties.lease()));
        if (claimed.isEmpty()) {
            return Step.EMPTY;
        }
        CampaignJob job = claimed.get();
        if (job.window() != null && !job.window().isOpen(now)) {
            Instant opening = job.window().nextOpening(now);
            queue.delay(job, opening);
            metrics.dispatched(id, "window_closed");
            return Step.PARKED;
        }
        String placeholder = "job:" + job.jobId();
        if (!admission.tryReserve(id, placeholder, maxCalls, now, now.plus(properties.lease()))) {
            queue.release(id, job.jobId());
            return Step.FULL;
        }
        Optional<Duration> wait = pacer.reserve(accountSid, properties.cps(), properties.pollInterval());
        if (wait.isEmpty()) {
            queue.release(id, job.jobId());
            admission.release(id, placeholder);
            return Step.PACED;
        }
        inFlight.incrementAndGet();
        try {
            sender.schedule(() -> send(tenant, job, placeholder), wait.get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            inFlight.decrementAndGet();
            queue.release(id, job.jobId());
            admission.release(id, placeholder);
            return Step.PACED;
        }
        fairness.charge(id, tenant.tier().campaignShare());
        return Step.DISPATCHED;
    }

    private void send(Tenant tenant, CampaignJob job, String placeholder) {
        String base = tenant.id().value();
        try {
            CallCreationRequest request = new CallCreationRequest(job.to(), tenant.twilio().numbers().get(0),
                    endpoints.publicUrlOf("/twilio/" + base + "/voice", null),
                    endpoints.publicUrlOf("/twilio/" + base + "/status", null), properties.ringTimeout(),
                    job.machineDetection() ? endpoints.publicUrlOf("/twilio/" + base + "/amd", null) : null);
            settle(tenant, job, placeholder, create(request));
        } catch (RuntimeException e) {
            log.error("campaign job {} of tenant {} could not be settled ({}); its lease will return it", job.jobId(),
                    base, e.getClass().getSimpleName());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Twilio's outcome through route {@code twilio-create-call}; a failure of the route itself included. */
    private CallCreation create(CallCreationRequest request) {
        try {
            return twilio.apply(request);
        } catch (RuntimeException e) {
            if (ObjectHelper.getException(DirectConsumerNotAvailableException.class, e) != null) {
                return new CallCreation.Retry(0, 0, "route twilio-create-call not running", null, false);
            }
            // the route's own steps never throw: whether the request went out is not known, so it is not sent again
            log.warn("route twilio-create-call failed ({}); outcome unknown", e.getClass().getSimpleName());
            return new CallCreation.Unknown("route twilio-create-call failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void settle(Tenant tenant, CampaignJob job, String placeholder, CallCreation outcome) {
        TenantId id = tenant.id();
        Instant now = Instant.now(clock);
        MDC.put("tenant", id.value());
        try {
            if (outcome instanceof CallCreation.Created created) {
                CallSid sid = created.callSid();
                if (!admission.rebind(id, placeholder, sid, now)) {
                    admission.tryAdmit(id, sid, Integer.MAX_VALUE, now);
                }
                if (queue.dialed(job, sid, now.plus(properties.statusDeadline()))) {
                    admission.release(id, sid); // its final status came before this answer: the slot is free again
                }
                metrics.dispatched(id, "dialed");
                MDC.put("callSid", sid.value());
                log.info("campaign call placed: campaign {} job {} attempt {}", job.campaignId(), job.jobId(),
                        job.attempts() + 1);
                MDC.remove("callSid");
            } else if (outcome instanceof CallCreation.Retry retry) {
                admission.release(id, placeholder);
                retry(job, retry, now);
            } else if (outcome instanceof CallCreation.Rejected rejected) {
                admission.release(id, placeholder);
                deadLetter(job, rejected.code(), rejected.reason(), now);
            } else if (outcome instanceof CallCreation.Unknown unknown) {
                admission.release(id, placeholder);
                deadLetter(job, 0, "outcome unknown, not retried so the contact is not called twice: "
                        + unknown.reason(), now);
            }
        } finally {
            MDC.remove("tenant");
        }
    }

    private void retry(CampaignJob job, CallCreation.Retry retry, Instant now) {
        int attempt = retry.countsAsAttempt() ? job.attempts() + 1 : job.attempts();
        if (attempt >= properties.maxAttempts()) {
            deadLetter(job, retry.code(), "retries exhausted (last: " + retry.reason() + ")", now);
            return;
        }
        Duration backoff = properties.backoff(Math.max(1, attempt), ThreadLocalRandom.current().nextDouble());
        if (retry.retryAfter() != null && retry.retryAfter().compareTo(backoff) > 0) {
            backoff = retry.retryAfter();
        }
        queue.delay(retry.countsAsAttempt() ? job.withNextAttempt() : job, now.plus(backoff));
        metrics.dispatched(job.tenantId(), "retried");
        log.info("campaign job {} not placed ({}); retry {} in {} ms", job.jobId(), retry.reason(), attempt,
                backoff.toMillis());
    }

    private void deadLetter(CampaignJob job, int code, String reason, Instant now) {
        queue.deadLetter(job, new DeadLetter(job, code, reason, now.toEpochMilli()));
        metrics.dispatched(job.tenantId(), "dead_lettered");
        log.warn("campaign job {} dead-lettered: {}", job.jobId(), reason);
    }

    /** @return call creations started and not yet settled */
    public int inFlight() {
        return inFlight.get();
    }

    /** Stops claiming jobs at once; creations already scheduled or sent still run and settle. */
    public void stopClaiming() {
        sender.shutdown();
    }

    /**
     * Stops claiming and waits (bounded by the poll interval plus the request timeout) until every call creation
     * scheduled or sent has its outcome recorded in Redis. A creation whose answer came after Redis closed left its
     * job leased, and once the lease expired another dispatcher called the contact again.
     */
    public void awaitSettled() {
        sender.shutdown();
        Duration limit = properties.pollInterval().plus(properties.requestTimeout()).plusSeconds(2);
        try {
            if (!sender.awaitTermination(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("{} call creation(s) not settled at shutdown; their leases will return the jobs",
                        inFlight.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops dispatching after {@link #awaitSettled()}. */
    @Override
    public void close() {
        awaitSettled();
        sender.shutdownNow();
    }
}
