package io.apexvoice.gateway.campaigns;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The local hours in which a campaign may place calls, e.g. 09:00–20:00 in {@code America/New_York}. The window
 * includes {@code start} and excludes {@code end}; {@code end} before {@code start} means it runs over midnight
 * (22:00–06:00). Daylight-saving gaps follow {@link ZonedDateTime}: a start inside a gap opens at the gap's end.
 *
 * @param start    first local minute in which calls may be placed
 * @param end      first local minute in which they may not
 * @param timeZone IANA zone the hours are read in
 */
public record CallingWindow(LocalTime start, LocalTime end, ZoneId timeZone) {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    public CallingWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(timeZone, "timeZone");
        if (start.equals(end)) {
            throw new IllegalArgumentException("start and end must differ");
        }
    }

    @JsonCreator
    static CallingWindow fromJson(@JsonProperty("start") String start, @JsonProperty("end") String end,
            @JsonProperty("timeZone") String timeZone) {
        return new CallingWindow(LocalTime.parse(start, HH_MM), LocalTime.parse(end, HH_MM), ZoneId.of(timeZone));
    }

    /** @return the JSON/API form {@code {"start":"09:00","end":"20:00","timeZone":"Europe/London"}} */
    @JsonValue
    public java.util.Map<String, String> toJson() {
        return java.util.Map.of("start", start.format(HH_MM), "end", end.format(HH_MM), "timeZone", timeZone.getId());
    }

    /** @return true when calls may be placed at {@code instant} */
    public boolean isOpen(Instant instant) {
        LocalTime local = instant.atZone(timeZone).toLocalTime();
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    /** @return {@code instant} itself when the window is open, else the next instant at which it opens */
    public Instant nextOpening(Instant instant) {
        if (isOpen(instant)) {
            return instant;
        }
        ZonedDateTime local = instant.atZone(timeZone);
        ZonedDateTime today = local.toLocalDate().atTime(start).atZone(timeZone);
        ZonedDateTime opening = today.isAfter(local) ? today : local.toLocalDate().plusDays(1).atTime(start).atZone(timeZone);
        return opening.toInstant();
    }
}
