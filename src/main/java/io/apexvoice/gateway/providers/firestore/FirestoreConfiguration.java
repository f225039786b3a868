package io.apexvoice.gateway.providers.firestore;

import com.google.cloud.firestore.Firestore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The Firestore client, created only when a tenant source or record store asks for it ({@code firestore}), so the
 * file-based setup never needs Google credentials. Closed with the context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FirestoreProperties.class)
public class FirestoreConfiguration {

    static final String CLIENT_BEAN = "firestore";

    /**
     * Input: the bean factory, the name of a bean that just took the client from an {@code ObjectProvider}. Records
     * that dependency (the provider does not), so the client is closed only after that bean: a draining record
     * buffer still reaches Firestore at shutdown.
     */
    public static Firestore clientFor(ObjectProvider<Firestore> firestore, ConfigurableListableBeanFactory beans,
                                      String dependentBean) {
        Firestore client = firestore.getObject();
        beans.registerDependentBean(CLIENT_BEAN, dependentBean);
        return client;
    }

    @Bean(CLIENT_BEAN)
    @Lazy
    Firestore firestore(FirestoreProperties properties) {
        return FirestoreClients.open(properties);
    }
}
