package io.apexvoice.gateway.tenants;

import io.apexvoice.gateway.call.TenantId;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tenants built in code, and a fixed in-memory directory over them. */
public final class TenantsFixture {

    public static final Tier STANDARD = new Tier("standard", 60, 20, 4, 1);

    public static Tenant tenant(String id, boolean suspended, String... plainKeys) {
        return new Tenant(TenantId.of(id), id, STANDARD, suspended, TwilioSettings.none(),
                new Voice("en-US-JennyNeural", "en-US"), "prompt", "greeting", "fallback", BargeIn.defaults(),
                List.of("greeting"), Arrays.stream(plainKeys).map(ApiKeyHash::of).toList(), null, null, null);
    }

    public static TenantDirectory directory(Tenant... tenants) {
        Map<TenantId, Tenant> byId = new LinkedHashMap<>();
        for (Tenant tenant : tenants) {
            byId.put(tenant.id(), tenant);
        }
        return new TenantDirectory() {
            @Override
            public Optional<Tenant> find(TenantId id) {
                return Optional.ofNullable(byId.get(id));
            }

            @Override
            public Collection<Tenant> all() {
                return byId.values();
            }

            @Override
            public void addListener(TenantChangeListener listener) {
                throw new UnsupportedOperationException("fixed directory never changes");
            }
        };
    }

    private TenantsFixture() {
    }
}
