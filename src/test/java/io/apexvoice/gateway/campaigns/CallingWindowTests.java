package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class CallingWindowTests {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private final CallingWindow daytime = new CallingWindow(LocalTime.of(9, 0), LocalTime.of(20, 0), NEW_YORK);
    private final CallingWindow overnight = new CallingWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), NEW_YORK);

    @Test
    void startIsInsideAndEndIsOutside() {
        assertThat(daytime.isOpen(at(2026, 11, 30, 9, 0))).isTrue();
        assertThat(daytime.isOpen(at(2026, 11, 30, 19, 59))).isTrue();
        assertThat(daytime.isOpen(at(2026, 11, 30, 20, 0))).isFalse();
        assertThat(daytime.isOpen(at(2026, 11, 30, 8, 59))).isFalse();
    }

    @Test
    void beforeTheWindowItOpensTodayAfterItTomorrow() {
        assertThat(daytime.nextOpening(at(2026, 11, 30, 7, 30))).isEqualTo(at(2026, 11, 30, 9, 0));
        assertThat(daytime.nextOpening(at(2026, 11, 30, 21, 0))).isEqualTo(at(2026, 12, 1, 9, 0));
        Instant open = at(2026, 11, 30, 12, 0);
        assertThat(daytime.nextOpening(open)).isEqualTo(open);
    }

    @Test
    void aWindowOverMidnightIsOpenOnBothSides() {
        assertThat(overnight.isOpen(at(2026, 11, 30, 23, 0))).isTrue();
        assertThat(overnight.isOpen(at(2026, 12, 1, 5, 59))).isTrue();
        assertThat(overnight.isOpen(at(2026, 11, 30, 12, 0))).isFalse();
        assertThat(overnight.nextOpening(at(2026, 11, 30, 12, 0))).isEqualTo(at(2026, 11, 30, 22, 0));
    }

    @Test
    void localHoursFollowDaylightSavingTime() {
        // 09:00 New York is 14:00Z in winter, 13:00Z in summer
        assertThat(daytime.nextOpening(Instant.parse("2026-01-15T12:00:00Z"))).isEqualTo(Instant.parse("2026-01-15T14:00:00Z"));
        assertThat(daytime.nextOpening(Instant.parse("2026-07-15T12:00:00Z"))).isEqualTo(Instant.parse("2026-07-15T13:00:00Z"));
        // the spring-forward day: a 02:30 start does not exist and opens at 03:00
        CallingWindow early = new CallingWindow(LocalTime.of(2, 30), LocalTime.of(5, 0), NEW_YORK);
        assertThat(early.nextOpening(at(2026, 3, 8, 1, 0))).isEqualTo(at(2026, 3, 8, 3, 0));
    }

    @Test
    void anEmptyWindowIsRefused() {
        assertThatThrownBy(() -> new CallingWindow(LocalTime.NOON, LocalTime.NOON, NEW_YORK))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonRoundTripKeepsTheWindow() throws Exception {
        String json = CampaignQueue.toJson(daytime);
        assertThat(json).contains("\"start\":\"09:00\"", "\"end\":\"20:00\"", "\"timeZone\":\"America/New_York\"");
        assertThat(CampaignQueue.fromJson(json, CallingWindow.class)).isEqualTo(daytime);
    }

    private static Instant at(int year, int month, int day, int hour, int minute) {
        return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, NEW_YORK).toInstant();
    }
}
