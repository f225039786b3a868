package io.apexvoice.gateway.config;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one Vert.x of the process: the Camel vertx-websocket component (media plane) autowires it, and the provider
 * clients (Deepgram WebSocket, streaming HTTP) run on it, so the whole audio path shares one set of event loops.
 */
@Configuration(proxyBeanMethods = false)
class VertxConfiguration {

    @Bean(destroyMethod = "close")
    Vertx vertx() {
        return Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
    }
}
