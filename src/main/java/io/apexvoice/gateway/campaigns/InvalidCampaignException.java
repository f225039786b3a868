package io.apexvoice.gateway.campaigns;

import java.util.List;

/** A campaign request with problems; nothing of it was queued. */
public final class InvalidCampaignException extends RuntimeException {

    private final List<String> problems;
    private final int total;

    InvalidCampaignException(List<String> problems, int total) {
        super(total + " problem(s) in the campaign request", null, false, false);
        this.problems = List.copyOf(problems);
        this.total = total;
    }

    /** @return the first problems, each {@code path: problem} */
    public List<String> problems() {
        return problems;
    }

    /** @return how many problems there were (may exceed {@link #problems()}'s size) */
    public int total() {
        return total;
    }
}
