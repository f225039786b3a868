package io.apexvoice.gateway.simulator.call;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A run of simulated inbound calls against one gateway. Build with {@link #builder(URI)}; {@link #toString()}
 * never shows the auth token.
 *
 * @param gateway           where the gateway's control plane listens, e.g. {@code http://127.0.0.1:8080}
 * @param media             connect the Media Stream here instead of the TwiML's {@code <Stream url>}; null to follow
 *                          the TwiML
 * @param publicUrl         the gateway's {@code PUBLIC_BASE_URL}: webhooks are signed over it (default: gateway)
 * @param authToken         the Twilio auth token the gateway checks signatures with
 * @param accountSid        {@code AccountSid} of the webhooks
 * @param tenant            the tenant in {@code /twilio/{tenant}/voice}
 * @param from              the caller's number
 * @param to                the number called
 * @param script            what each caller does
 * @param calls             how many calls, run concurrently
 * @param ramp              call {@code i} (0-based) starts at {@code i * ramp / calls}
 * @param callTimeout       a call that has not ended after this fails
 * @param httpTimeout       connect/read timeout of each webhook
 * @param statusCallback    send the terminal {@code completed} status callback after the stream ends
 * @param signStreamUpgrade sign the WebSocket upgrade with {@code X-Twilio-Signature} (PROTOCOLS 2.1)
 */
public record CallOptions(URI gateway, URI media, URI publicUrl, String authToken, String accountSid, String tenant,
        String from, String to, CallerScript script, int calls, Duration ramp, Duration callTimeout,
        Duration httpTimeout, boolean statusCallback, boolean signStreamUpgrade) {

    public static final String DEFAULT_ACCOUNT_SID = "AC00000000000000000000000000000000";
    public static final String DEFAULT_AUTH_TOKEN = "local-dev-auth-token";
    static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{1,14}");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9-]{1,40}");

    public CallOptions {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(script, "script");
        requireHttp("gateway", gateway);
        publicUrl = publicUrl == null ? gateway : publicUrl;
        requireHttp("public url", publicUrl);
        if (media != null && !String.valueOf(media.getScheme()).matches("wss?")) {
            throw new IllegalArgumentException("media url must be ws:// or wss://: " + media);
        }
        if (authToken.isBlank()) {
            throw new IllegalArgumentException("auth token must not be blank");
        }
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant must match [a-z0-9-]{1,40}: " + tenant);
        }
        if (!E164.matcher(from).matches() || !E164.matcher(to).matches()) {
            throw new IllegalArgumentException("from and to must be E.164 numbers like +14155550100");
        }
        if (calls < 1 || calls > 10_000) {
            throw new IllegalArgumentException("calls must be between 1 and 10000");
        }
        if (ramp.isNegative() || callTimeout.isNegative() || callTimeout.isZero() || httpTimeout.isNegative()
                || httpTimeout.isZero()) {
            throw new IllegalArgumentException("ramp must be >= 0 and timeouts > 0");
        }
    }

    public static Builder builder(URI gateway) {
        return new Builder(gateway);
    }

    /** {@code {gateway}/twilio/{tenant}/voice}, signed over {@code {publicUrl}/twilio/{tenant}/voice}. */
    WebhookTarget voiceWebhook() {
        return new WebhookTarget(resolve(gateway, "voice"), "POST", resolve(publicUrl, "voice"));
    }

    WebhookTarget statusWebhook() {
        return new WebhookTarget(resolve(gateway, "status"), "POST", resolve(publicUrl, "status"));
    }

    private URI resolve(URI base, String endpoint) {
        String root = base.toString().replaceAll("/+$", "");
        return URI.create(root + "/twilio/" + tenant + "/" + endpoint);
    }

    private static void requireHttp(String what, URI uri) {
        if (!String.valueOf(uri.getScheme()).matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an http:// or https:// URL: " + uri);
        }
    }

    @Override
    public String toString() {
        return "CallOptions[gateway=" + gateway + ", media=" + media + ", publicUrl=" + publicUrl + ", tenant="
                + tenant + ", calls=" + calls + ", ramp=" + ramp + ", authToken=(hidden)]";
    }

    /** Defaults: tenant {@code demo}, token {@code local-dev-auth-token}, one call, the default script. */
    public static final class Builder {
        private final URI gateway;
        private URI media;
        private URI publicUrl;
        private String authToken = DEFAULT_AUTH_TOKEN;
        private String accountSid = DEFAULT_ACCOUNT_SID;
        private String tenant = "demo";
        private String from = "+14155550123";
        private String to = "+15005550006";
        private CallerScript script = CallerScript.defaultScript();
        private int calls = 1;
        private Duration ramp = Duration.ZERO;
        private Duration callTimeout = Duration.ofSeconds(60);
        private Duration httpTimeout = Duration.ofSeconds(10);
        private boolean statusCallback = true;
        private boolean signStreamUpgrade = true;

        private Builder(URI gateway) {
            this.gateway = gateway;
        }

        public Builder media(URI value) {
            media = value;
            return this;
        }

        public Builder publicUrl(URI value) {
            publicUrl = value;
            return this;
        }

        public Builder authToken(String value) {
            authToken = value;
            return this;
        }

        public Builder accountSid(String value) {
            accountSid = value;
            return this;
        }

        public Builder tenant(String value) {
            tenant = value;
            return this;
        }

        public Builder from(String value) {
            from = value;
            return this;
        }

        public Builder to(String value) {
            to = value;
            return this;
        }

        public Builder script(CallerScript value) {
            script = value;
            return this;
        }

        public Builder calls(int value) {
            calls = value;
            return this;
        }

        public Builder ramp(Duration value) {
            ramp = value;
            return this;
        }

        public Builder callTimeout(Duration value) {
            callTimeout = value;
            return this;
        }

        public Builder httpTimeout(Duration value) {
            httpTimeout = value;
            return this;
        }

        public Builder statusCallback(boolean value) {
            statusCallback = value;
            return this;
        }

        public Builder signStreamUpgrade(boolean value) {
            signStreamUpgrade = value;
            return this;
        }

        public CallOptions build() {
            return new CallOptions(gateway, media, publicUrl, authToken, accountSid, tenant, from, to, script, calls,
                    ramp, callTimeout, httpTimeout, statusCallback, signStreamUpgrade);
        }
    }
}
