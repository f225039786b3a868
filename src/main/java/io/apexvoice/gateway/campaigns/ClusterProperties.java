package io.apexvoice.gateway.campaigns;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Leader election for singleton housekeeping ({@code apex.cluster.*}, env {@code APEX_CLUSTER_MODE} …).
 *
 * @param mode          {@code standalone} (this process is the leader) or {@code kubernetes} (a Lease in the pod's
 *                      namespace, camel-kubernetes {@code KubernetesClusterService})
 * @param namespace     Kubernetes namespace of the Lease and pods; default: the service account's namespace
 * @param podName       this pod's name; default {@code HOSTNAME}
 * @param leaseName     prefix of the Lease resource name
 * @param clusterLabels labels that select the pods taking part (the dispatcher Deployment's pod labels)
 * @param leaseDuration how long a leader's Lease holds without renewal
 * @param renewDeadline how long a leader keeps trying to renew before it steps down
 * @param retryPeriod   how often members check the Lease
 */
@ConfigurationProperties("apex.cluster")
public record ClusterProperties(String mode, String namespace, String podName, String leaseName,
        Map<String, String> clusterLabels, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    public static final String STANDALONE = "standalone";
    public static final String KUBERNETES = "kubernetes";

    public ClusterProperties {
        mode = mode == null || mode.isBlank() ? STANDALONE : mode.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals(STANDALONE) && !mode.equals(KUBERNETES)) {
            throw new IllegalArgumentException("APEX_CLUSTER_MODE must be standalone or kubernetes, was: " + mode);
        }
        leaseName = leaseName == null || leaseName.isBlank() ? "apex-voice-gateway" : leaseName;
        clusterLabels = clusterLabels == null || clusterLabels.isEmpty()
                ? Map.of("app.kubernetes.io/component", "dispatcher") : Map.copyOf(clusterLabels);
        leaseDuration = leaseDuration == null ? Duration.ofSeconds(15) : leaseDuration;
        renewDeadline = renewDeadline == null ? Duration.ofSeconds(10) : renewDeadline;
        retryPeriod = retryPeriod == null ? Duration.ofSeconds(2) : retryPeriod;
    }
}
