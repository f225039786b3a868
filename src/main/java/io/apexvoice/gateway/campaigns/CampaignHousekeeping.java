package io.apexvoice.gateway.campaigns;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.tenants.Tenant;
import io.apexvoice.gateway.tenants.TenantDirectory;

/**
 * The singleton part of campaign dispatch, run by the {@code campaign-housekeeping} route on the elected leader
 * only: returns expired leases (a dispatcher died mid-dispatch) to their place in the queue, queues again the
 * delayed jobs that are due (retry backoff over, calling window open), and counts a placed call whose final status
 * never arrived as failed. Every step is an idempotent Lua script, so a leadership change mid-run is harmless.
 */
@Component
public class CampaignHousekeeping {

    private static final Logger log = LoggerFactory.getLogger(CampaignHousekeeping.class);

    private final TenantDirectory tenants;
    private final CampaignQueue queue;
    private final CallAdmission admission;
    private final Clock clock;

    public CampaignHousekeeping(TenantDirectory tenants, CampaignQueue queue, CallAdmission admission, Clock clock) {
        this.tenants = tenants;
        this.queue = queue;
        this.admission = admission;
        this.clock = clock;
    }

    /** @return what this run did, for the route's log and tests */
    public Result run() {
        Instant now = Instant.now(clock);
        int reaped = 0;
        int promoted = 0;
        int lost = 0;
        for (Tenant tenant : tenants.all()) {
            TenantId id = tenant.id();
            reaped += queue.reapExpired(id, now);
            promoted += queue.promoteDue(id, now);
            for (String call : queue.callsPastStatusDeadline(id, now)) {
                if (queue.finishCall(id, CallSid.of(call), false, false).isPresent()) {
                    admission.release(id, CallSid.of(call));
                    lost++;
                }
            }
        }
        if (reaped + lost > 0) {
            log.warn("campaign housekeeping: {} expired leases returned to the queue, {} calls without final status counted failed",
                    reaped, lost);
        }
        return new Result(reaped, promoted, lost);
    }

    /**
     * @param reaped   leases returned to the queue
     * @param promoted delayed jobs queued again
     * @param lost     placed calls counted failed for lack of a final status
     */
    public record Result(int reaped, int promoted, int lost) {
    }
}
