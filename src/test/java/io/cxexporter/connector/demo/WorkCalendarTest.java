package io.cxexporter.connector.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
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

  @Test
  void localTimeIsRightAroundEveryTransitionInAnyOrderOfAsking() {
    // the calendar keeps the offset between two transitions: asked forwards, backwards, exactly at
    // a transition and a millisecond either side, it must agree with java.time every time
    for (String id :
        List.of(
            "Europe/Ljubljana", "America/Sao_Paulo", "Australia/Lord_Howe", "UTC", "Asia/Tehran")) {
      ZoneId zone = ZoneId.of(id);
      WorkCalendar cal = new WorkCalendar(zone);
      java.util.SplittableRandom r = new java.util.SplittableRandom(id.hashCode());
      List<Long> probes = new java.util.ArrayList<>();
      long from = Instant.parse("2015-01-01T00:00:00Z").toEpochMilli();
      long to = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
      for (var t = zone.getRules().nextTransition(Instant.ofEpochMilli(from));
          t != null && t.getInstant().toEpochMilli() < to;
          t = zone.getRules().nextTransition(t.getInstant())) {
        long at = t.getInstant().toEpochMilli();
        probes.addAll(List.of(at - 1, at, at + 1, at - Rng.HOUR, at + Rng.HOUR));
      }
      for (int i = 0; i < 2_000; i++) {
        probes.add(r.nextLong(from, to));
      }
      java.util.Collections.shuffle(probes, new java.util.Random(7));
      for (long t : probes) {
        java.time.LocalDateTime local = Instant.ofEpochMilli(t).atZone(zone).toLocalDateTime();
        assertThat(cal.localHour(t))
            .as("%s at %s", id, Instant.ofEpochMilli(t))
            .isEqualTo(local.getHour());
        assertThat(cal.localDay(t))
            .as("%s at %s", id, Instant.ofEpochMilli(t))
            .isEqualTo(local.toLocalDate().toEpochDay());
      }
      // and walking forwards, as the generators do
      java.util.Collections.sort(probes);
      for (long t : probes) {
        assertThat(cal.localHour(t)).isEqualTo(Instant.ofEpochMilli(t).atZone(zone).getHour());
      }
    }
  }
}
