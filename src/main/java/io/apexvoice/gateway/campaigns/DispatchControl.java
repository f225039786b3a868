package io.apexvoice.gateway.campaigns;

import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.RedisKeys;

/**
 * Suspends and resumes campaign dispatch for one tenant or for all, across every dispatcher process (the switch
 * is the Redis SET {@code dispatch:suspended}; {@code *} = all). Exposed over JMX / Jolokia as
 * {@code apexvoice:type=CampaignDispatch}. Suspending stops new calls; calls already placed run on and queued
 * jobs stay queued. (Suspending the {@code campaign-dispatch} route instead stops this process only.)
 */
@Component
@ManagedResource(objectName = DispatchControl.OBJECT_NAME, description = "Campaign dispatch switches (all dispatcher processes)")
public class DispatchControl {

    public static final String OBJECT_NAME = "apexvoice:type=CampaignDispatch";
    private static final Logger log = LoggerFactory.getLogger(DispatchControl.class);
    static final String ALL = "*";

    private final RedisKeys keys;
    private final StringRedisTemplate redis;

    public DispatchControl(RedisKeys keys, StringRedisTemplate redis) {
        this.keys = keys;
        this.redis = redis;
    }

    @ManagedOperation(description = "Stop placing calls for one tenant")
    @ManagedOperationParameter(name = "tenant", description = "tenant id")
    public void suspendTenant(String tenant) {
        redis.opsForSet().add(keys.dispatchSuspended(), TenantId.of(tenant).value());
        log.info("campaign dispatch suspended for tenant {}", tenant);
    }

    @ManagedOperation(description = "Resume placing calls for one tenant")
    @ManagedOperationParameter(name = "tenant", description = "tenant id")
    public void resumeTenant(String tenant) {
        redis.opsForSet().remove(keys.dispatchSuspended(), TenantId.of(tenant).value());
        log.info("campaign dispatch resumed for tenant {}", tenant);
    }

    @ManagedOperation(description = "Stop placing calls for every tenant")
    public void suspendAll() {
        redis.opsForSet().add(keys.dispatchSuspended(), ALL);
        log.info("campaign dispatch suspended for all tenants");
    }

    @ManagedOperation(description = "Resume placing calls (tenants suspended one by one stay suspended)")
    public void resumeAll() {
        redis.opsForSet().remove(keys.dispatchSuspended(), ALL);
        log.info("campaign dispatch resumed for all tenants");
    }

    @ManagedAttribute(description = "True while dispatch is suspended for every tenant")
    public boolean isSuspendedAll() {
        return suspended().contains(ALL);
    }

    @ManagedAttribute(description = "Tenants whose dispatch is suspended one by one")
    public String[] getSuspendedTenants() {
        Set<String> tenants = new TreeSet<>(suspended());
        tenants.remove(ALL);
        return tenants.toArray(String[]::new);
    }

    /** @return the suspended tenant ids, plus {@code *} when all are suspended (one Redis read per round) */
    public Set<String> suspended() {
        Set<String> members = redis.opsForSet().members(keys.dispatchSuspended());
        return members == null ? Set.of() : members;
    }
}
