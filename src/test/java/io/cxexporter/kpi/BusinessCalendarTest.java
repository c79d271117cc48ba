package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.testing.Configs;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class BusinessCalendarTest {
  final BusinessCalendar ljubljana =
      BusinessCalendar.of(Configs.officeHours("Europe/Ljubljana", LocalDate.parse("2026-12-25")));

  @Test
  void countsOnlyOpenHoursInTheScheduleTimeZone() {
    // Wed 2026-11-18 06:00Z = 07:00 local → 12:00Z = 13:00 local: 08:00-13:00 = 5h
    assertThat(
            ljubljana.seconds(
                Instant.parse("2026-11-18T06:00:00Z"), Instant.parse("2026-11-18T12:00:00Z")))
        .isEqualTo(5 * 3600);
  }

  @Test
  void skipsAWeekendAndAHoliday() {
    // Thu 24 Dec 16:00 local → Mon 28 Dec 09:00 local; Fri 25th is a holiday: 1h + 1h
    Instant from = Instant.parse("2026-12-24T15:00:00Z");
    Instant to = Instant.parse("2026-12-28T08:00:00Z");
    assertThat(ljubljana.seconds(from, to)).isEqualTo(2 * 3600);
  }

  @Test
  void followsDaylightSavingChanges() {
    // Sunday 29 March 2026 clocks go forward: Mon 08:00 local is 06:00Z (CEST), Fri 27th was 07:00Z
    Instant fridayOpen = Instant.parse("2026-03-27T07:00:00Z");
    Instant mondayOpen = Instant.parse("2026-03-30T06:00:00Z");
    assertThat(ljubljana.seconds(fridayOpen, mondayOpen)).isEqualTo(9 * 3600);
    assertThat(ljubljana.plus(fridayOpen, Duration.ofHours(9)))
        .isEqualTo(Instant.parse("2026-03-27T16:00:00Z"));
    assertThat(ljubljana.plus(fridayOpen, Duration.ofHours(10)))
        .isEqualTo(Instant.parse("2026-03-30T07:00:00Z"));
  }

  @Test
  void plusStartsAtTheNextOpeningWhenOutsideHours() {
    // Saturday night + 30 business minutes → Monday 08:30 local
    Instant sat = Instant.parse("2026-11-21T22:00:00Z");
    assertThat(ljubljana.plus(sat, Duration.ofMinutes(30)))
        .isEqualTo(Instant.parse("2026-11-23T07:30:00Z"));
  }

  @Test
  void emptyOrReversedRangeIsZero() {
    Instant t = Instant.parse("2026-11-18T10:00:00Z");
    assertThat(ljubljana.seconds(t, t)).isZero();
    assertThat(ljubljana.seconds(t, t.minusSeconds(60))).isZero();
  }
}
