package io.apexvoice.gateway.redis;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A parsed {@code REDIS_URL}.
 * Input: {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://…} (TLS); user info without a colon
 * is taken as the password; percent-escapes are decoded. Output: the parts, port 6379 and database 0 when absent.
 * Error messages never contain the URL, since it may carry a password.
 */
record RedisUrl(String host, int port, int database, String username, String password, boolean tls) {

    private static final int DEFAULT_PORT = 6379;

    static RedisUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("REDIS_URL is not a valid URI (redis://[:password@]host:port[/db])");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("REDIS_URL must start with redis:// or rediss://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("REDIS_URL has no host");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT;
        String username = null;
        String password = null;
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = userInfo;
            } else {
                username = colon == 0 ? null : userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
            }
        }
        return new RedisUrl(uri.getHost(), port, database(uri.getPath()), username, password, "rediss".equals(scheme));
    }

    private static int database(String path) {
        if (path == null || path.isEmpty() || "/".equals(path)) {
            return 0;
        }
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("REDIS_URL path must be a database number, like /0");
        }
    }

    @Override
    public String toString() {
        return "RedisUrl[" + (tls ? "rediss" : "redis") + "://" + host + ":" + port + "/" + database + "]";
    }
}
