package io.apexvoice.gateway.simulator.twilio;

import io.apexvoice.gateway.config.BasicCredentials;

/**
 * Twilio REST authentication: HTTP Basic {@code AccountSid:AuthToken} (compared in constant time), and the
 * {@code /2010-04-01/Accounts/{AccountSid}/…} of the path must be that account.
 */
final class RestAuth {

    private RestAuth() {
    }

    /**
     * @param header the {@code Authorization} header, may be null
     * @param path   the request path
     * @return true when the credentials are the account's and the path names the same account
     */
    static boolean allows(String header, String path, String accountSid, String authToken) {
        return BasicCredentials.matches(header, accountSid, authToken) && accountSid.equals(pathAccount(path));
    }

    /** {@code /2010-04-01/Accounts/{AccountSid}/…} → the AccountSid ("" when the path has none). */
    static String pathAccount(String path) {
        String[] segments = path.split("/");
        return segments.length > 3 && segments[2].equals("Accounts") ? segments[3] : "";
    }
}
