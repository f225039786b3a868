package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.apexvoice.gateway.call.TenantId;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.redis.RedisFixture;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.apexvoice.gateway.tenants.TenantsFixture;
import io.apexvoice.gateway.testsupport.Await;
import io.apexvoice.gateway.testsupport.RandomIds;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * Singleton housekeeping under Kubernetes leader election: two dispatcher "pods" (two Camel contexts, each with the
 * production {@code KubernetesClusterService} settings) against the fabric8 mock API server, both running the
 * {@code master:campaign-housekeeping} route over the real {@link CampaignHousekeeping} and Redis. Only the Lease
 * holder reaps; when it stops, the other takes the Lease and reaps.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTests {

    private static final String NAMESPACE = "apex-test";
    private static final Map<String, String> LABELS = Map.of("app.kubernetes.io/component", "dispatcher");

    KubernetesMockServer server;
    KubernetesClient client;

    private final RedisFixture redis = RedisFixture.shared();
    private final TenantId tenant = RandomIds.tenant();
    private final CampaignQueue queue = new CampaignQueue(redis.keys, redis.strings);
    private CamelContext first;
    private CamelContext second;

    @AfterEach
    void stop() throws Exception {
        for (CamelContext context : new CamelContext[] {first, second}) {
            if (context != null) {
                context.close();
            }
        }
        redis.close();
    }

    @Test
    void onlyTheLeaseHolderRunsTheReaperAndTheOtherTakesOverWhenItStops() throws Exception {
        pod("dispatcher-a");
        pod("dispatcher-b");
        TenantDirectory tenants = TenantsFixture.directory(TenantsFixture.tenant(tenant.value(), false));
        AtomicInteger runsA = new AtomicInteger();
        AtomicInteger runsB = new AtomicInteger();
        first = dispatcher("dispatcher-a", tenants, runsA);
        second = dispatcher("dispatcher-b", tenants, runsB);

        Await.until(Duration.ofSeconds(30), () -> runsA.get() + runsB.get() >= 5, "a leader runs housekeeping");
        int a = runsA.get();
        int b = runsB.get();
        Await.until(Duration.ofSeconds(30), () -> runsA.get() + runsB.get() >= a + b + 5, "more housekeeping runs");
        boolean aLeads = runsA.get() > a;
        assertThat(aLeads ? runsB.get() : runsA.get()).as("the follower never ran").isEqualTo(aLeads ? b : a);
        assertThat(aLeads ? b : a).isZero();

        // the leader reaps an expired lease left by a dead dispatcher
        queue.enqueue(new CampaignJob("c:0", tenant, "c", 5, "+14155550100", Map.of(), 0));
        queue.claim(tenant, Instant.now().minusSeconds(1));
        Await.until(Duration.ofSeconds(30), () -> queue.depth(tenant) == 1, "the expired lease reaped by the leader");

        // the leader's pod terminates: the other takes the Lease over and runs housekeeping
        AtomicInteger followerRuns = aLeads ? runsB : runsA;
        (aLeads ? first : second).stop();
        client.pods().inNamespace(NAMESPACE).withName(aLeads ? "dispatcher-a" : "dispatcher-b").delete();
        Await.until(Duration.ofSeconds(60), () -> followerRuns.get() > 0, "the follower took over");
        queue.claim(tenant, Instant.now().minusSeconds(1));
        Await.until(Duration.ofSeconds(30), () -> queue.depth(tenant) == 1, "the new leader reaps");
        assertThat(client.leases().inNamespace(NAMESPACE).list().getItems()).isNotEmpty();
    }

    private CamelContext dispatcher(String pod, TenantDirectory tenants, AtomicInteger runs) throws Exception {
        ClusterProperties cluster = new ClusterProperties(ClusterProperties.KUBERNETES, NAMESPACE, pod,
                "apex-test-lease", LABELS, Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));
        KubernetesConfiguration connection = new KubernetesConfiguration();
        connection.setKubernetesClient(server.createClient()); // its own: a stopping service closes its client
        CamelContext context = new DefaultCamelContext();
        context.addService(CampaignConfiguration.kubernetes(cluster, connection));
        CampaignHousekeeping housekeeping = new CampaignHousekeeping(tenants, queue,
                new CallAdmission(redis.keys, redis.strings), Clock.systemUTC());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:campaign-housekeeping:timer:campaign-housekeeping?period=100")
                        .routeId("campaign-housekeeping")
                        .process(exchange -> {
                            runs.incrementAndGet();
                            housekeeping.run();
                        });
            }
        });
        context.start();
        return context;
    }

    private void pod(String name) {
        client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).withLabels(LABELS).endMetadata()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build()).create();
    }

}
