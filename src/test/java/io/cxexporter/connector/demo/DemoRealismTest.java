package io.cxexporter.connector.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Priority;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Over a default 30-day backfill the demo looks like a real support team. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoRealismTest {
  static final ZoneId LJUBLJANA = ZoneId.of("Europe/Ljubljana");
  DefaultBackfill demo;

  @BeforeAll
  void read() {
    demo = DefaultBackfill.read();
  }

  static <T> double share(List<T> items, Predicate<T> p) {
    return items.stream().filter(p).count() / (double) items.size();
  }

  /** Mean arrivals per hour over the created tickets whose local creation time matches. */
  double perHour(Predicate<ZonedDateTime> when) {
    long matchingHours = 0;
    for (ZonedDateTime h = demo.start.atZone(LJUBLJANA);
        h.toInstant().isBefore(demo.now);
        h = h.plusHours(1)) {
      matchingHours += when.test(h) ? 1 : 0;
    }
    long n =
        demo.created().stream().filter(t -> when.test(t.createdAt().atZone(LJUBLJANA))).count();
    return n / (double) matchingHours;
  }

  static boolean weekday(ZonedDateTime t) {
    return t.getDayOfWeek().getValue() <= 5;
  }

  @Test
  void aboutTicketsPerDayArriveOnAverage() {
    assertThat(demo.created().size() / 30.0).isBetween(200.0, 280.0);
  }

  @Test
  void weekdayLateMorningsAreSeveralTimesBusierThanNightsAndWeekends() {
    double lateMorning = perHour(t -> weekday(t) && t.getHour() >= 10 && t.getHour() < 12);
    double night = perHour(t -> t.getHour() < 6);
    double weekendLateMorning = perHour(t -> !weekday(t) && t.getHour() >= 10 && t.getHour() < 12);

    assertThat(lateMorning).isGreaterThan(8 * night);
    assertThat(lateMorning).isGreaterThan(3 * weekendLateMorning);
  }

  @Test
  void aWeekendDayHasAFifthOfAWeekdaysVolume() {
    double weekendDay = perHour(t -> !weekday(t)) * 24;
    double weekdayDay = perHour(DemoRealismTest::weekday) * 24;

    assertThat(weekendDay / weekdayDay).isBetween(0.15, 0.25);
  }

  @Test
  void prioritiesFollowTheUsualMix() {
    List<Ticket> t = demo.created();

    assertThat(share(t, x -> x.priority() == Priority.LOW)).isBetween(0.17, 0.23);
    assertThat(share(t, x -> x.priority() == Priority.NORMAL)).isBetween(0.51, 0.59);
    assertThat(share(t, x -> x.priority() == Priority.HIGH)).isBetween(0.17, 0.23);
    assertThat(share(t, x -> x.priority() == Priority.URGENT)).isBetween(0.03, 0.07);
  }

  @Test
  void fiveGroupsOfThreeToFiveNamedAgentsOverFourChannels() {
    Map<String, List<String>> agents =
        demo.tickets().stream()
            .filter(t -> t.assignee() != null)
            .collect(
                Collectors.groupingBy(
                    Ticket::group,
                    Collectors.mapping(
                        Ticket::assignee,
                        Collectors.collectingAndThen(Collectors.toSet(), s -> List.copyOf(s)))));

    assertThat(agents).hasSize(5);
    assertThat(agents.values()).allSatisfy(a -> assertThat(a).hasSizeBetween(3, 5));
    assertThat(demo.tickets().stream().map(Ticket::channel).distinct())
        .containsExactlyInAnyOrder("email", "web", "chat", "phone");
  }

  @Test
  void chatIsAnsweredInMinutesAndEmailInTensOfMinutesOfWorkingTime() {
    WorkCalendar cal = new WorkCalendar(LJUBLJANA);
    for (String channel : List.of("chat", "email")) {
      List<Long> minutes =
          demo.created().stream()
              .filter(t -> t.channel().equals(channel) && t.firstReplyAt() != null)
              .filter(t -> cal.isWorking(t.createdAt().toEpochMilli()))
              .map(t -> Duration.between(t.createdAt(), t.firstReplyAt()).toMinutes())
              .sorted()
              .toList();
      long median = minutes.get(minutes.size() / 2);
      if (channel.equals("chat")) {
        assertThat(median).as(channel).isBetween(1L, 9L);
      } else {
        assertThat(median).as(channel).isBetween(10L, 90L);
      }
    }
  }

  @Test
  void theMedianTicketIsResolvedInAboutAWorkingDayWithATailOfWeeks() {
    List<Double> hours =
        demo.solved().stream()
            .filter(t -> t.createdAt().isAfter(demo.start))
            .map(t -> Duration.between(t.createdAt(), t.solvedAt()).toMinutes() / 60.0)
            .sorted()
            .toList();

    assertThat(hours.get(hours.size() / 2)).isBetween(8.0, 40.0);
    assertThat(hours.get(hours.size() * 99 / 100)).isGreaterThan(7 * 24.0);
  }

  @Test
  void theBacklogIsRealisticAndItsOldestTicketIsDaysOld() {
    List<Ticket> open = demo.tickets().stream().filter(Ticket::isOpen).toList();
    Duration oldest =
        open.stream()
            .map(t -> Duration.between(t.createdAt(), demo.now))
            .max(Duration::compareTo)
            .orElseThrow();

    assertThat(open).hasSizeBetween(150, 600);
    assertThat(oldest).isGreaterThan(Duration.ofDays(5)).isLessThan(Duration.ofDays(30));
  }

  @Test
  void historyStartsWithTheBacklogOfTicketsCreatedBeforeIt() {
    List<Ticket> firstSeen =
        DemoFixtures.records(demo.pages.get("tickets")).stream()
            .filter(r -> r instanceof Ticket t && t.createdAt().isBefore(demo.start))
            .map(r -> (Ticket) r)
            .collect(Collectors.toMap(Ticket::id, t -> t, (a, b) -> a))
            .values()
            .stream()
            .toList();

    assertThat(firstSeen.stream().filter(Ticket::isOpen).count()).isBetween(100L, 600L);
    assertThat(firstSeen)
        .allMatch(t -> t.createdAt().isAfter(demo.start.minus(Duration.ofDays(14))));
  }

  @Test
  void mostSolvedTicketsNeedExactlyOneReply() {
    assertThat(share(demo.solved(), t -> t.agentReplies() == 1)).isBetween(0.55, 0.70);
  }

  @Test
  void aFewSolvedTicketsWereReopened() {
    assertThat(share(demo.solved(), t -> t.reopens() > 0)).isBetween(0.06, 0.10);
  }

  @Test
  void aboutOneTicketInTwelveIsEscalated() {
    assertThat(share(demo.created(), Ticket::escalated)).isBetween(0.06, 0.10);
  }

  @Test
  void aboutTwoPercentGetNoReplyAndHalfAPercentIsSpam() {
    long deleted = demo.all("tickets").stream().filter(r -> r instanceof Deleted).count();

    assertThat(share(demo.solved(), t -> t.agentReplies() == 0)).isBetween(0.01, 0.04);
    assertThat(deleted / (double) demo.created().size()).isBetween(0.002, 0.01);
  }

  @Test
  void aThirdOfSolvedTicketsAreRatedAndMostRatingsAreSatisfied() {
    List<SurveyResponse> ratings = demo.surveys("satisfaction_ratings");

    assertThat(ratings.size() / (double) demo.solved().size()).isBetween(0.30, 0.40);
    assertThat(share(ratings, SurveyResponse::satisfied)).isBetween(0.80, 0.88);
  }

  @Test
  void reopenedTicketsAreRatedWorse() {
    Map<String, Ticket> byId =
        demo.tickets().stream().collect(Collectors.toMap(Ticket::id, t -> t));
    List<SurveyResponse> ratings = demo.surveys("satisfaction_ratings");
    List<SurveyResponse> reopened =
        ratings.stream().filter(r -> byId.get(r.ticketId()).reopens() > 0).toList();

    assertThat(share(reopened, SurveyResponse::satisfied))
        .isLessThan(share(ratings, SurveyResponse::satisfied) - 0.1);
  }

  @Test
  void npsHasAboutHalfPromotersAndAFifthDetractors() {
    List<SurveyResponse> nps =
        demo.surveys("surveys").stream().filter(s -> s.kind() == SurveyKind.NPS).toList();

    assertThat(nps.size() / 30.0).isBetween(10.0, 20.0);
    assertThat(share(nps, SurveyResponse::promoter)).isBetween(0.45, 0.55);
    assertThat(share(nps, SurveyResponse::detractor)).isBetween(0.15, 0.25);
    assertThat(nps).allMatch(s -> s.ticketId() == null && s.scaleMax() == 10);
  }

  @Test
  void cesFollowsSomeSolvedTicketsAndIsFairlyEasy() {
    List<SurveyResponse> ces =
        demo.surveys("surveys").stream().filter(s -> s.kind() == SurveyKind.CES).toList();

    assertThat(ces.size() / (double) demo.solved().size()).isBetween(0.12, 0.18);
    assertThat(ces.stream().mapToDouble(SurveyResponse::score).average().orElseThrow())
        .isBetween(5.0, 5.8);
  }

  @Test
  void fourHundredCustomersAtTheStartFewJoinAndAFewPercentChurn() {
    List<Customer> customers = demo.customers();
    long joined = customers.stream().filter(c -> c.since().isAfter(demo.start)).count();
    long churned =
        customers.stream()
            .filter(c -> c.churnedAt() != null && c.churnedAt().isAfter(demo.start))
            .count();

    assertThat(customers.stream().filter(c -> c.activeAt(demo.start))).hasSize(400);
    assertThat(joined).isBetween(25L, 65L); // ~2 per weekday
    assertThat(churned).isBetween(4L, 20L); // 1-5 % of 400 in a month
    assertThat(customers).allMatch(c -> c.mrr() >= 50 && c.mrr() <= 5000);
  }

  @Test
  void dealsAreCreatedOnWeekdaysAndMostlyWonOrLost() {
    List<Deal> deals = demo.deals();
    List<Deal> created = deals.stream().filter(d -> d.createdAt().isAfter(demo.start)).toList();

    assertThat(created.size() / 21.0).isBetween(6.0, 10.0);
    assertThat(created)
        .allMatch(
            d -> d.createdAt().atZone(LJUBLJANA).getDayOfWeek().compareTo(DayOfWeek.FRIDAY) <= 0);
    // about 30 % won, 45 % lost, the rest open; ~200 deals spread these by a few points
    assertThat(share(deals, d -> d.stage() == DealStage.WON)).isBetween(0.20, 0.42);
    assertThat(share(deals, d -> d.stage() == DealStage.LOST)).isBetween(0.33, 0.57);
    assertThat(share(deals, d -> d.stage() == DealStage.OPEN)).isBetween(0.12, 0.38);
  }
}
