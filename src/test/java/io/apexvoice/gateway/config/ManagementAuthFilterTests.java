package io.apexvoice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Who reaches the management surface, by profile and credentials (the filter alone, no server). */
class ManagementAuthFilterTests {

    private static final ManagementAuthProperties NONE = new ManagementAuthProperties("", "");
    private static final ManagementAuthProperties SET = new ManagementAuthProperties("ops", "s3cret-pass");

    @Test
    void withoutCredentialsOnlyTheLocalProfileIsOpen() throws Exception {
        assertThat(status(NONE, profiles("local"), "/actuator/jolokia/version", null)).isEqualTo(200);
        assertThat(status(NONE, defaultLocal(), "/actuator/jolokia/version", null)).as("local by default")
                .isEqualTo(200);
        for (MockEnvironment other : new MockEnvironment[] {profiles("test"), profiles("staging"), profiles()}) {
            MockHttpServletResponse locked = answer(NONE, other, "/actuator/jolokia/version", null);
            assertThat(locked.getStatus()).as("profiles %s", String.join(",", other.getActiveProfiles()))
                    .isEqualTo(403);
            assertThat(locked.getContentAsString()).isEqualTo(
                    "management locked: set MANAGEMENT_USER and MANAGEMENT_PASSWORD");
            assertThat(status(NONE, other, "/actuator/hawtio/", null)).isEqualTo(403);
            assertThat(status(NONE, other, "/actuator/camelroutes", null)).isEqualTo(403);
        }
    }

    @Test
    void probesAndTheScrapeStayOpenAndCredentialsGuardTheRestInEveryProfile() throws Exception {
        for (MockEnvironment environment : new MockEnvironment[] {profiles("local"), profiles("staging")}) {
            for (String open : new String[] {"/health", "/health/live", "/actuator/health/readiness",
                    "/actuator/prometheus", "/twilio/demo/voice"}) {
                assertThat(status(NONE, environment, open, null)).as(open).isEqualTo(200);
                assertThat(status(SET, environment, open, null)).as(open).isEqualTo(200);
            }
            assertThat(status(SET, environment, "/actuator/jolokia/version", null)).isEqualTo(401);
            assertThat(status(SET, environment, "/actuator/jolokia/version", "ops:wrong")).isEqualTo(401);
            assertThat(status(SET, environment, "/actuator/jolokia/version", "ops:s3cret-pass")).isEqualTo(200);
        }
    }

    private static int status(ManagementAuthProperties credentials, MockEnvironment environment, String path,
            String basic) throws Exception {
        return answer(credentials, environment, path, basic).getStatus();
    }

    private static MockHttpServletResponse answer(ManagementAuthProperties credentials, MockEnvironment environment,
            String path, String basic) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        if (basic != null) {
            request.addHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        new ManagementAuthFilter(credentials, environment).doFilter(request, response, new MockFilterChain());
        return response;
    }

    private static MockEnvironment profiles(String... active) {
        MockEnvironment environment = new MockEnvironment();
        environment.setActiveProfiles(active);
        return environment;
    }

    private static MockEnvironment defaultLocal() {
        MockEnvironment environment = new MockEnvironment();
        environment.setDefaultProfiles("local");
        return environment;
    }
}
