package io.cxexporter.connector.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class WorkCalendarTest {
  static final ZoneId LJUBLJANA = ZoneId.of("Europe/Ljubljana");
  final WorkCalendar cal = new WorkCalendar(LJUBLJANA);

  static long local(String t) {
    return LocalDateTime.parse(t).atZone(LJUBLJANA).toInstant().toEpochMilli();
  }

  static String local(long t) {
    return Instant.ofEpochMilli(t).atZone(LJUBLJANA).toLocalDateTime().toString();
  }

  @Test
  void workInsideWorkingHoursIsPlainAddition() {
    assertThat(local(cal.plusWorking(local("2026-11-18T10:00"), Duration.ofMinutes(45).toMillis())))
        .isEqualTo("2026-11-18T10:45");
  }

  @Test
  void workThatDoesNotFitTheDayContinuesNextMorning() {
    assertThat(local(cal.plusWorking(local("2026-11-18T16:30"), Duration.ofHours(1).toMillis())))
        .isEqualTo("2026-11-19T08:30");
  }

  @Test
  void aFridayNightTicketIsWorkedOnMondayMorning() {
    assertThat(local(cal.plusWorking(local("2026-11-20T22:00"), Duration.ofMinutes(45).toMillis())))
        .isEqualTo("2026-11-23T08:45");
  }

  @Test
  void noWorkMeansTheNextMomentAtWork() {
    assertThat(local(cal.plusWorking(local("2026-11-21T12:00"), 0))).isEqualTo("2026-11-23T08:00");
    assertThat(local(cal.plusWorking(local("2026-11-18T12:00"), 0))).isEqualTo("2026-11-18T12:00");
  }

  @Test
  void workingTimeBetweenTwoInstantsSkipsNightsAndTheWeekend() {
    // Friday 16:00 to Monday 09:30: 1 h on Friday, 1.5 h on Monday
    assertThat(cal.workingMillis(local("2026-11-20T16:00"), local("2026-11-23T09:30")))
        .isEqualTo(Duration.ofMinutes(150).toMillis());
    assertThat(cal.workingMillis(local("2026-11-18T10:00"), local("2026-11-18T10:45")))
        .isEqualTo(Duration.ofMinutes(45).toMillis());
    assertThat(cal.workingMillis(local("2026-11-18T18:00"), local("2026-11-19T07:00"))).isZero();
    assertThat(cal.workingMillis(local("2026-11-18T12:00"), local("2026-11-18T11:00"))).isZero();
  }

  @Test
  void workingHoursFollowDaylightSavingTime() {
    // Europe switched to summer time on Sunday 2026-03-29
    assertThat(local(cal.plusWorking(local("2026-03-28T12:00"), 0))).isEqualTo("2026-03-30T08:00");
    assertThat(cal.isWorking(local("2026-03-30T08:00"))).isTrue();
    assertThat(cal.isWorking(local("2026-03-30T07:59"))).isFalse();
  }

  @Test
  void localTimeIsInTheTeamsZone() {
    long t = local("2026-11-22T23:30"); // a Sunday

    assertThat(cal.dayOfWeek(t)).isEqualTo(6);
    assertThat(cal.localHour(t)).isEqualTo(23);
  }

  @Test
  void aRoundTheClockTeamWorksNightsAndWeekends() {
    WorkCalendar always = new WorkCalendar(LJUBLJANA, true);
    long saturdayNight =
        java.time.ZonedDateTime.of(2026, 11, 21, 23, 30, 0, 0, LJUBLJANA)
            .toInstant()
            .toEpochMilli();
    assertThat(always.isWorking(saturdayNight)).isTrue();
    assertThat(always.plusWorking(saturdayNight, 45 * Rng.MINUTE))
        .isEqualTo(saturdayNight + 45 * Rng.MINUTE);
    assertThat(cal.isWorking(saturdayNight)).isFalse();
  }
}
