package io.apexvoice.gateway.campaigns;

import java.time.Clock;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

import io.apexvoice.gateway.config.PublicEndpoints;
import io.apexvoice.gateway.providers.twilio.TwilioProperties;
import io.apexvoice.gateway.redis.CallAdmission;
import io.apexvoice.gateway.tenants.TenantDirectory;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * Wires campaign dispatch: the Twilio client and its circuit breaker, this process's dispatcher and the leader
 * election service.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({CampaignProperties.class, ClusterProperties.class})
class CampaignConfiguration {

    @Bean
    CampaignRequestParser campaignRequestParser(CampaignProperties properties) {
        return new CampaignRequestParser(properties.maxContacts());
    }

    @Bean
    TwilioCallClient twilioCallClient(TwilioProperties twilio, CampaignProperties properties) {
        return new TwilioCallClient(twilio, properties.requestTimeout());
    }

    /**
     * The breaker of route {@code twilio-create-call} ({@code circuitBreaker: twilioRestBreaker}), from the
     * application's registry, so its state and calls are in {@code /actuator/prometheus} with the others.
     */
    @Bean
    CircuitBreaker twilioRestBreaker(CircuitBreakerRegistry breakers, CampaignProperties properties) {
        return properties.twilioBreaker().breaker(breakers, TwilioCreateCall.BREAKER);
    }

    @Bean
    TwilioCreateCall twilioCreateCall(TwilioCallClient client, CampaignProperties properties) {
        return new TwilioCreateCall(client, properties.requestTimeout(), properties.twilioBreaker().waitInOpenState());
    }

    @Bean(destroyMethod = "close")
    CampaignDispatcher campaignDispatcher(TenantDirectory tenants, CampaignQueue queue, CallAdmission admission,
            CallPacer pacer, DispatchFairness fairness, DispatchControl control, ProducerTemplate producer,
            TwilioProperties twilio, PublicEndpoints endpoints, CampaignProperties properties, CampaignMetrics metrics,
            Clock clock) {
        return new CampaignDispatcher(tenants, queue, admission, pacer, fairness, control,
                request -> producer.requestBody(TwilioCreateCall.ENDPOINT, request, CallCreation.class),
                twilio.accountSid(), endpoints, properties, metrics, clock);
    }

    /** On shutdown (SIGTERM) this process stops claiming jobs first of all, before the call drain begins. */
    @Bean
    ShutdownStep stopDispatchOnShutdown(CampaignDispatcher dispatcher) {
        return new ShutdownStep(dispatcher::stopClaiming, Ordered.HIGHEST_PRECEDENCE);
    }

    /**
     * Then, after the call drain ({@code media.CallDrain}, next in order) and before any lifecycle bean stops (Redis
     * among them), the call creations already sent get their outcome recorded, so no job stays leased by this process.
     */
    @Bean
    ShutdownStep settleDispatchOnShutdown(CampaignDispatcher dispatcher) {
        return new ShutdownStep(dispatcher::awaitSettled, Ordered.HIGHEST_PRECEDENCE + 2);
    }

    /** One step of this process's shutdown, run when the context starts closing, in {@code order}. */
    record ShutdownStep(Runnable step, int order) implements ApplicationListener<ContextClosedEvent>, Ordered {

        @Override
        public void onApplicationEvent(ContextClosedEvent event) {
            step.run();
        }

        @Override
        public int getOrder() {
            return order;
        }
    }

    /**
     * The service {@code master:} endpoints elect their leader with: a Kubernetes Lease per namespace of singleton
     * routes in {@code kubernetes} mode, this process alone otherwise.
     */
    @Bean
    CamelClusterService campaignClusterService(ClusterProperties cluster) {
        if (!cluster.mode().equals(ClusterProperties.KUBERNETES)) {
            return new StandaloneClusterService();
        }
        return kubernetes(cluster, new KubernetesConfiguration());
    }

    /** @param client connection settings (a test passes a mock server's client) */
    static KubernetesClusterService kubernetes(ClusterProperties cluster, KubernetesConfiguration client) {
        KubernetesClusterService service = new KubernetesClusterService(client);
        service.setId("apex-" + (cluster.podName() == null ? "pod" : cluster.podName()));
        service.setLeaseResourceType(LeaseResourceType.Lease);
        service.setKubernetesResourceName(cluster.leaseName());
        if (cluster.namespace() != null && !cluster.namespace().isBlank()) {
            service.setKubernetesNamespace(cluster.namespace());
            service.setKubernetesResourcesNamespace(cluster.namespace());
        }
        if (cluster.podName() != null && !cluster.podName().isBlank()) {
            service.setPodName(cluster.podName());
        }
        service.setClusterLabels(cluster.clusterLabels());
        service.setLeaseDurationMillis(cluster.leaseDuration().toMillis());
        service.setRenewDeadlineMillis(cluster.renewDeadline().toMillis());
        service.setRetryPeriodMillis(cluster.retryPeriod().toMillis());
        return service;
    }
}
