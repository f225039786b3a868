package io.apexvoice.gateway.tenants;

import java.util.List;

/**
 * The tenant source is invalid. The message lists every problem, one per line, each naming its field path
 * (e.g. {@code tenants[1].voice.name: required}); no value of a secret field is ever echoed.
 */
public final class TenantConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;

    public TenantConfigException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    /** Output: the problems, one entry per problem. */
    public List<String> errors() {
        return errors;
    }
}
