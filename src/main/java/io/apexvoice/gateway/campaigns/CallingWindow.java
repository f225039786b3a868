package io.apexvoice.gateway.campaigns;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The local hours in which a campaign may place calls, e.g. 09:00–20:00 in {@code America/New_York}. The window
 * includes {@code start} and excludes {@code end}; {@code end} before {@code start} means it runs over midnight
 * (22:00–06:00). A start inside a daylight-saving gap opens at the gap's end.
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
    public Map<String, String> toJson() {
        return Map.of("start", start.format(HH_MM), "end", end.format(HH_MM), "timeZone", timeZone.getId());
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
        LocalDate today = instant.atZone(timeZone).toLocalDate();
        Instant opening = startOn(today);
        return opening.isAfter(instant) ? opening : startOn(today.plusDays(1));
    }

    /** The instant the window starts on {@code date}; a start inside a daylight-saving gap is the gap's end. */
    private Instant startOn(LocalDate date) {
        LocalDateTime local = date.atTime(start);
        ZoneOffsetTransition transition = timeZone.getRules().getTransition(local);
        return transition != null && transition.isGap() ? transition.getInstant() : local.atZone(timeZone).toInstant();
    }
}
