package io.apexvoice.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

/** A platform-http consumer's already completed future is the answer; anything else keeps Spring's own handling. */
class SynchronousPlatformHttpTests {

    private final List<Object> delegated = new ArrayList<>();
    private final HandlerMethodReturnValueHandler async = new HandlerMethodReturnValueHandler() {
        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return CompletableFuture.class.isAssignableFrom(returnType.getParameterType());
        }

        @Override
        public void handleReturnValue(Object value, MethodParameter type, ModelAndViewContainer container,
                NativeWebRequest request) {
            delegated.add(value);
        }
    };
    private final SynchronousPlatformHttp.CompletedFutureHandler handler =
            new SynchronousPlatformHttp.CompletedFutureHandler(List.of(async));

    @Test
    void answersACompletedFutureAtOnce() throws Exception {
        ModelAndViewContainer container = new ModelAndViewContainer();

        handler.handleReturnValue(CompletableFuture.completedFuture(null), consumerService(), container, null);

        assertThat(container.isRequestHandled()).isTrue();
        assertThat(delegated).isEmpty();
    }

    @Test
    void throwsWhatAFailedFutureFailedWith() {
        IllegalStateException failure = new IllegalStateException("route failed");

        assertThatThrownBy(() -> handler.handleReturnValue(CompletableFuture.failedFuture(failure), consumerService(),
                new ModelAndViewContainer(), null)).isSameAs(failure);
    }

    @Test
    void leavesAFutureStillRunningToSpringsAsyncHandling() throws Exception {
        ModelAndViewContainer container = new ModelAndViewContainer();
        CompletableFuture<Void> running = new CompletableFuture<>();

        handler.handleReturnValue(running, consumerService(), container, null);

        assertThat(container.isRequestHandled()).isFalse();
        assertThat(delegated).containsExactly(running);
    }

    @Test
    void takesOnlyThePlatformHttpConsumersFutures() throws Exception {
        assertThat(handler.supportsReturnType(consumerService())).isTrue();
        Method other = SynchronousPlatformHttpTests.class.getDeclaredMethod("otherFuture");
        assertThat(handler.supportsReturnType(new MethodParameter(other, -1))).isFalse();
    }

    private static MethodParameter consumerService() throws NoSuchMethodException {
        Method service = SpringBootPlatformHttpConsumer.class.getMethod("service",
                jakarta.servlet.http.HttpServletRequest.class, jakarta.servlet.http.HttpServletResponse.class);
        return new MethodParameter(service, -1);
    }

    @SuppressWarnings("unused")
    private static CompletableFuture<Void> otherFuture() {
        return CompletableFuture.completedFuture(null);
    }
}
