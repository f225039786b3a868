package io.apexvoice.gateway.config;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the outside world reaches this gateway.
 *
 * @param baseUrl    {@code PUBLIC_BASE_URL}: the https URL Twilio calls; webhook signatures are checked against it
 * @param mediaUrl   {@code MEDIA_PUBLIC_URL}: the {@code wss://} URL of the media plane; blank = derived from baseUrl
 * @param mediaPort  {@code MEDIA_PORT}: the port the media WebSocket server binds
 */
@ConfigurationProperties("apex.public")
public record PublicEndpoints(URI baseUrl, String mediaUrl, int mediaPort) {

    static final String MEDIA_PATH = "/twilio/media";

    public PublicEndpoints {
        if (baseUrl == null) {
            baseUrl = URI.create("http://127.0.0.1:8080");
        }
        if (mediaPort <= 0) {
            mediaPort = 8081;
        }
    }

    /**
     * The media stream URL written into TwiML. Explicit {@code MEDIA_PUBLIC_URL} wins; otherwise the base URL with
     * {@code https→wss} / {@code http→ws}. A loopback base URL (local runs without an ingress) points at the media
     * port, since only an ingress puts both planes behind one host:port.
     */
    public String mediaStreamUrl() {
        if (mediaUrl != null && !mediaUrl.isBlank()) {
            return mediaUrl;
        }
        String scheme = "https".equalsIgnoreCase(baseUrl.getScheme()) ? "wss" : "ws";
        String host = baseUrl.getHost();
        boolean loopback = "localhost".equals(host) || host.startsWith("127.");
        String port = loopback ? ":" + mediaPort : (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
        return scheme + "://" + host + port + MEDIA_PATH;
    }

    /** The absolute public URL of a request path, as Twilio signed it (base URL path prefix kept). */
    public String publicUrlOf(String path, String rawQuery) {
        String base = baseUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }

    /** This process's own media plane over loopback (the warm-up's calls), for a server bound to {@code bindHost}. */
    public URI loopbackMediaUrl(String bindHost) {
        boolean anyAddress = bindHost == null || bindHost.isBlank() || "0.0.0.0".equals(bindHost)
                || "::".equals(bindHost);
        String host = anyAddress ? "127.0.0.1" : bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
        return URI.create("ws://" + host + ":" + mediaPort + MEDIA_PATH);
    }
}
