package io.apexvoice.gateway.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Camel's platform-http routes (the webhooks and the APIs) run on the servlet thread that read the request.
 *
 * <p>camel-platform-http-starter hands every request to Spring's task pool and answers it through an async servlet
 * dispatch: two extra thread hand-offs and a second pass through the servlet and MVC machinery per webhook, for a
 * route whose only wait is one Redis round trip. Profiled under 50 concurrent signed webhooks, that hand-off and
 * re-dispatch were a third of the request's CPU and most of its allocation (bench/README.md, intake). Here the
 * consumer runs on the calling thread (a direct executor), and a future that is already complete when the handler
 * returns is answered at once instead of through an async dispatch; a future still running (none of our routes
 * leave one) keeps Spring's async path.
 */
@Configuration(proxyBeanMethods = false)
class SynchronousPlatformHttp {

    /** Replaces the starter's engine (it is {@code @ConditionalOnMissingBean}). */
    @Bean("platform-http-engine")
    PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port) {
        return new SpringBootPlatformHttpEngine(port, Runnable::run);
    }

    @Bean
    static BeanPostProcessor completedFutureAnswers() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(adapter.getReturnValueHandlers());
                    handlers.add(0, new CompletedFutureHandler(handlers));
                    adapter.setReturnValueHandlers(handlers);
                }
                return bean;
            }
        };
    }

    /** For platform-http consumers only: a completed future means the response is already written. */
    static final class CompletedFutureHandler implements HandlerMethodReturnValueHandler {

        private final HandlerMethodReturnValueHandlerComposite others = new HandlerMethodReturnValueHandlerComposite();

        CompletedFutureHandler(List<HandlerMethodReturnValueHandler> others) {
            this.others.addHandlers(others);
        }

        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return SpringBootPlatformHttpConsumer.class.isAssignableFrom(returnType.getContainingClass())
                    && CompletableFuture.class.isAssignableFrom(returnType.getParameterType());
        }

        @Override
        public void handleReturnValue(Object returnValue, MethodParameter returnType,
                ModelAndViewContainer container, NativeWebRequest request) throws Exception {
            if (returnValue instanceof CompletableFuture<?> future && future.isDone()) {
                try {
                    future.get();
                } catch (ExecutionException | CompletionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                container.setRequestHandled(true);
                return;
            }
            others.handleReturnValue(returnValue, returnType, container, request);
        }
    }
}
