package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cxexporter.config.KpiTarget;
import io.cxexporter.config.SlaPolicy;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KpiEngineTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z"); // a Wednesday
  final MutableClock clock = new MutableClock(NOW);
  KpiEngine engine = new KpiEngine(Configs.kpi(), clock);
  final Map<String, Record> stored = new HashMap<>();

  /** Applies records the way the sync loop does: with the stored previous version. */
  List<Transition> apply(boolean live, Record... records) {
    List<Change> changes = new ArrayList<>();
    for (Record r : records) {
      changes.add(new Change("tickets", stored.put(r.id(), r), r));
    }
    return engine.apply("zd", changes, live);
  }

  static Ticket.Builder ticket(String id, Instant created) {
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(created)
        .status(TicketStatus.OPEN)
        .priority(Priority.NORMAL)
        .group("Billing")
        .channel("email");
  }

  static Ticket solved(
      String id, Instant created, Duration toReply, Duration toSolve, Integer replies) {
    return ticket(id, created)
        .firstReplyAt(created.plus(toReply))
        .solvedAt(created.plus(toSolve))
        .updatedAt(created.plus(toSolve))
        .status(TicketStatus.SOLVED)
        .agentReplies(replies)
        .assignee("ana")
        .build();
  }

  static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("source", "zd");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  double kpi(String name, String... kv) {
    return engine.compute().value(name, labels(kv));
  }

  @Test
  void backlogCountsOpenTicketsByStatusAndDimensions() {
    apply(
        false,
        ticket("1", NOW.minus(Duration.ofHours(5))).build(),
        ticket("2", NOW.minus(Duration.ofHours(2))).status(TicketStatus.PENDING).build(),
        ticket("3", NOW.minus(Duration.ofHours(1))).group("Returns").build(),
        solved("4", NOW.minus(Duration.ofHours(9)), Duration.ofHours(1), Duration.ofHours(2), 1));

    KpiSnapshot s = engine.compute();

    assertThat(
            s.value(
                "tickets_open",
                labels(
                    "status",
                    "open",
                    "group",
                    "Billing",
                    "priority",
                    "normal",
                    "channel",
                    "email")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                labels(
                    "status",
                    "pending",
                    "group",
                    "Billing",
                    "priority",
                    "normal",
                    "channel",
                    "email")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                labels(
                    "status",
                    "open",
                    "group",
                    "Returns",
                    "priority",
                    "normal",
                    "channel",
                    "email")))
        .isEqualTo(1);
    assertThat(s.find("tickets_open", labels()).stream().mapToDouble(KpiSeries::value).sum())
        .isEqualTo(3);
    assertThat(
            s.value(
                "ticket_open_oldest_age_seconds",
                labels("group", "Billing", "priority", "normal", "channel", "email")))
        .isEqualTo(5 * 3600);
  }

  /**
   * Open tickets of Billing/normal/email: 1 (5 h, nobody), 2 (2 h, ana), 3 (1 h, new, nobody), 6 (8
   * h, on hold, blank assignee); Returns: 4 (3 h, bo). 5 is solved without an assignee: not
   * backlog.
   */
  void applyUnassignedBacklog() {
    apply(
        false,
        ticket("1", NOW.minus(Duration.ofHours(5))).build(),
        ticket("2", NOW.minus(Duration.ofHours(2)))
            .status(TicketStatus.PENDING)
            .assignee("ana")
            .build(),
        ticket("3", NOW.minus(Duration.ofHours(1))).status(TicketStatus.NEW).build(),
        ticket("4", NOW.minus(Duration.ofHours(3))).group("Returns").assignee("bo").build(),
        ticket("5", NOW.minus(Duration.ofHours(9)))
            .status(TicketStatus.SOLVED)
            .solvedAt(NOW.minus(Duration.ofHours(8)))
            .build(),
        ticket("6", NOW.minus(Duration.ofHours(8)))
            .status(TicketStatus.ON_HOLD)
            .assignee(" ")
            .build());
  }

  @Test
  void unassignedBacklogCountsOpenTicketsWithoutAnAssigneeAndTheOldestAge() {
    applyUnassignedBacklog();

    KpiSnapshot s = engine.compute();

    Map<String, String> billing =
        labels("group", "Billing", "priority", "normal", "channel", "email");
    Map<String, String> returns =
        labels("group", "Returns", "priority", "normal", "channel", "email");
    // 1, 3 and 6 (blank assignee); 2 is assigned, 5 solved
    assertThat(s.value("tickets_unassigned", billing)).isEqualTo(3);
    assertThat(s.value("ticket_unassigned_oldest_age_seconds", billing)).isEqualTo(8 * 3600);
    // Returns has open tickets, all assigned: 0, and no oldest age
    assertThat(s.value("tickets_unassigned", returns)).isEqualTo(0);
    assertThat(s.find("ticket_unassigned_oldest_age_seconds", returns)).isEmpty();
    assertThat(s.find("tickets_unassigned", labels())).hasSize(2);
    assertThat(s.find("ticket_unassigned_oldest_age_seconds", labels())).hasSize(1);
    assertThat(engine.tickets("zd", Map.of(), TicketView.Pick.OLDEST_UNASSIGNED, null, false, 10))
        .extracting(TicketView::id)
        .containsExactly("6", "1", "3");
  }

  @Test
  void unassignedBacklogLeavesOutTheAssigneeDimension() {
    Map<String, Duration> windows = new LinkedHashMap<>();
    windows.put("24h", Duration.ofHours(24));
    engine =
        new KpiEngine(
            new io.cxexporter.config.KpiConfig(
                windows,
                List.of("group", "assignee"),
                50,
                Configs.officeHours("UTC"),
                List.of(),
                Duration.ofHours(1),
                List.of(),
                Duration.ofSeconds(15)),
            clock);
    applyUnassignedBacklog();

    KpiSnapshot s = engine.compute();

    assertThat(s.find("tickets_unassigned", labels()))
        .extracting(KpiSeries::labelNames)
        .containsOnly(List.of("source", "group"));
    // Billing's combinations none (1, 3), ana (2) and the blank one (6) merge into one series
    assertThat(s.value("tickets_unassigned", labels("group", "Billing"))).isEqualTo(3);
    assertThat(s.value("ticket_unassigned_oldest_age_seconds", labels("group", "Billing")))
        .isEqualTo(8 * 3600);
    assertThat(s.value("tickets_unassigned", labels("group", "Returns"))).isEqualTo(0);
  }

  @Test
  void firstResponseStatisticsAreExactNearestRank() {
    int[] minutes = {10, 20, 30, 40, 100};
    for (int i = 0; i < minutes.length; i++) {
      Instant created = NOW.minus(Duration.ofHours(3));
      apply(
          false,
          ticket("t" + i, created)
              .firstReplyAt(created.plus(Duration.ofMinutes(minutes[i])))
              .build());
    }
    assertThat(
            kpi("kpi_first_response_seconds", "window", "24h", "hours", "calendar", "stat", "mean"))
        .isEqualTo(40 * 60);
    assertThat(
            kpi("kpi_first_response_seconds", "window", "24h", "hours", "calendar", "stat", "p50"))
        .isEqualTo(30 * 60);
    assertThat(
            kpi("kpi_first_response_seconds", "window", "24h", "hours", "calendar", "stat", "p90"))
        .isEqualTo(100 * 60);
    // Wednesday 09:00-11:00 UTC is inside office hours: business equals calendar here
    assertThat(
            kpi("kpi_first_response_seconds", "window", "24h", "hours", "business", "stat", "p90"))
        .isEqualTo(100 * 60);
  }

  @Test
  void windowIncludesItsEndAndExcludesItsStart() {
    Instant created = NOW.minus(Duration.ofHours(5));
    apply(
        false,
        ticket("edge", created).firstReplyAt(NOW.minus(Duration.ofHours(1))).build(),
        ticket("inside", created)
            .firstReplyAt(NOW.minus(Duration.ofHours(1)).plusMillis(1))
            .build(),
        ticket("now", created).firstReplyAt(NOW).build());

    KpiSnapshot s = engine.compute();
    double mean =
        s.value(
            "kpi_first_response_seconds",
            labels("window", "1h", "hours", "calendar", "stat", "mean"));

    assertThat(mean).isCloseTo((4 * 3600 + 0.001 + 5 * 3600) / 2, within(1e-6));
  }

  @Test
  void aSolvedTicketReopenedAndClosedWithoutASolveTimeDoesNotBreakTheEngine() {
    Instant created = NOW.minus(Duration.ofHours(5));
    apply(false, solved("t9", created, Duration.ofHours(1), Duration.ofHours(2), 1));
    Ticket closedNoSolveTime =
        ticket("t9", created)
            .status(TicketStatus.CLOSED)
            .reopens(1)
            .updatedAt(NOW)
            .build(); // a vendor that reports the reopen count but no solve time
    assertThat(apply(true, closedNoSolveTime))
        .extracting(Transition::type)
        .containsExactly(Transition.Type.REOPENED);
  }

  @Test
  void aTicketUpdatedTwiceCountsOnceInItsLatestVersion() {
    Instant created = NOW.minus(Duration.ofHours(3));
    apply(false, ticket("1", created).build());
    apply(false, ticket("1", created).updatedAt(created.plusSeconds(60)).group("Returns").build());
    apply(
        false,
        ticket("1", created)
            .updatedAt(created.plusSeconds(120))
            .group("Returns")
            .firstReplyAt(created.plusSeconds(600))
            .build());

    KpiSnapshot s = engine.compute();

    assertThat(s.value("kpi_tickets_created", labels("window", "24h"))).isEqualTo(1);
    assertThat(s.value("kpi_tickets_created", labels("group", "Returns", "window", "24h")))
        .isEqualTo(1);
    assertThat(s.find("kpi_tickets_created", labels("group", "Billing"))).isEmpty();
    assertThat(
            s.value(
                "kpi_first_response_seconds",
                labels("window", "24h", "hours", "calendar", "stat", "mean")))
        .isEqualTo(600);
    assertThat(s.find("tickets_open", labels()).stream().mapToDouble(KpiSeries::value).sum())
        .isEqualTo(1);
  }

  @Test
  void businessHoursSkipTheWeekendAndAHoliday() {
    // Mon 2026-11-16 is a holiday; Fri 13th 16:00 → Tue 17th 09:00 UTC = 1h (Fri) + 1h (Tue)
    engine =
        new KpiEngine(
            Configs.kpi(
                Configs.officeHours("UTC", java.time.LocalDate.parse("2026-11-16")),
                List.of(),
                List.of(),
                50),
            clock);
    Instant created = Instant.parse("2026-11-13T16:00:00Z");
    apply(false, ticket("1", created).firstReplyAt(Instant.parse("2026-11-17T09:00:00Z")).build());

    assertThat(
            kpi("kpi_first_response_seconds", "window", "7d", "hours", "business", "stat", "mean"))
        .isEqualTo(2 * 3600);
    assertThat(
            kpi("kpi_first_response_seconds", "window", "7d", "hours", "calendar", "stat", "mean"))
        .isEqualTo(Duration.ofDays(3).plusHours(17).getSeconds());
  }

  @Test
  void vendorBusinessFiguresWinOverTheConfiguredSchedule() {
    Instant created = NOW.minus(Duration.ofHours(4));
    apply(
        false,
        ticket("1", created)
            .firstReplyAt(created.plus(Duration.ofHours(2)))
            .firstReplyBusiness(Duration.ofMinutes(17))
            .build());

    assertThat(
            kpi("kpi_first_response_seconds", "window", "24h", "hours", "business", "stat", "p50"))
        .isEqualTo(17 * 60);
  }

  @Test
  void resolutionFcrReopenSolvedPerAgent() {
    Instant c = NOW.minus(Duration.ofHours(20));
    apply(
        false,
        solved("1", c, Duration.ofHours(1), Duration.ofHours(2), 1),
        solved("2", c, Duration.ofHours(1), Duration.ofHours(4), 1),
        solved("3", c, Duration.ofHours(1), Duration.ofHours(6), 3).toBuilder()
            .reopens(1)
            .assignee("bo")
            .build(),
        solved("4", c, Duration.ofHours(1), Duration.ofHours(8), null));

    assertThat(kpi("kpi_resolution_seconds", "window", "24h", "hours", "calendar", "stat", "mean"))
        .isEqualTo(5 * 3600);
    assertThat(kpi("kpi_tickets_solved", "window", "24h")).isEqualTo(4);
    assertThat(kpi("kpi_first_contact_resolution_ratio", "window", "24h")).isEqualTo(2.0 / 3);
    assertThat(kpi("kpi_reopen_ratio", "window", "24h")).isEqualTo(0.25);
    assertThat(kpi("kpi_solved_per_agent", "window", "24h")).isEqualTo(2);
  }

  @Test
  void agentRepliesPerTicketIsTheMeanOverSolvedTicketsWithAKnownCount() {
    apply(
        false,
        solved("a", NOW.minus(Duration.ofHours(5)), Duration.ofHours(1), Duration.ofHours(2), 1),
        solved("b", NOW.minus(Duration.ofHours(6)), Duration.ofHours(1), Duration.ofHours(3), 4),
        solved(
            "c",
            NOW.minus(Duration.ofHours(6)),
            Duration.ofHours(1),
            Duration.ofHours(3),
            null), // unknown count: left out, not read as 0
        solved("d", NOW.minus(Duration.ofDays(3)), Duration.ofHours(1), Duration.ofHours(2), 10),
        ticket("e", NOW.minus(Duration.ofHours(2))).agentReplies(7).build()); // open: not solved

    KpiSnapshot s = engine.compute();

    // 24h: a (1) and b (4) -> 2.5; 7d: a, b and d (10) -> 5
    assertThat(s.value("kpi_agent_replies_per_ticket", labels("window", "24h"))).isEqualTo(2.5);
    assertThat(s.value("kpi_agent_replies_per_ticket", labels("window", "7d"))).isEqualTo(5);
    assertThat(s.value("kpi_agent_replies_per_ticket", labels("group", "Billing", "window", "24h")))
        .isEqualTo(2.5);
    // nothing solved in the last hour: absent, not 0 or NaN
    assertThat(s.find("kpi_agent_replies_per_ticket", labels("window", "1h"))).isEmpty();
    // no ticket gives a requester wait: no series at all
    assertThat(s.find("kpi_requester_wait_seconds", labels())).isEmpty();
  }

  @Test
  void agentRepliesPerTicketIsAbsentWhenNoSolvedTicketHasACount() {
    apply(
        false,
        solved(
            "c", NOW.minus(Duration.ofHours(6)), Duration.ofHours(1), Duration.ofHours(3), null));
    assertThat(engine.compute().find("kpi_agent_replies_per_ticket", labels())).isEmpty();
  }

  @Test
  void requesterWaitIsTheVendorsFigureOverTicketsSolvedInTheWindowNearestRank() {
    Instant c = NOW.minus(Duration.ofHours(10));
    apply(
        false,
        waited("1", c, Duration.ofMinutes(10), Duration.ofMinutes(5)),
        waited("2", c, Duration.ofMinutes(30), Duration.ofMinutes(20)),
        waited("3", c, Duration.ofMinutes(20), null),
        waited("4", c, null, null), // the vendor gives none: left out
        ticket("5", c).requesterWaitCalendar(Duration.ofMinutes(999)).build()); // open

    KpiSnapshot s = engine.compute();

    // calendar 600, 1200, 1800 s: mean 1200; p50 rank ceil(1.5) = 2 -> 1200; p90 rank 3 -> 1800
    assertThat(
            kpi("kpi_requester_wait_seconds", "window", "24h", "hours", "calendar", "stat", "mean"))
        .isEqualTo(1200);
    assertThat(
            kpi("kpi_requester_wait_seconds", "window", "24h", "hours", "calendar", "stat", "p50"))
        .isEqualTo(1200);
    assertThat(
            kpi("kpi_requester_wait_seconds", "window", "24h", "hours", "calendar", "stat", "p90"))
        .isEqualTo(1800);
    // business 300 and 1200 s (3 has none; never derived from the schedule): mean 750; p50 rank
    // 1 -> 300; p90 rank ceil(1.8) = 2 -> 1200
    assertThat(
            kpi("kpi_requester_wait_seconds", "window", "24h", "hours", "business", "stat", "mean"))
        .isEqualTo(750);
    assertThat(
            kpi("kpi_requester_wait_seconds", "window", "24h", "hours", "business", "stat", "p50"))
        .isEqualTo(300);
    assertThat(
            kpi("kpi_requester_wait_seconds", "window", "24h", "hours", "business", "stat", "p90"))
        .isEqualTo(1200);
    assertThat(
            kpi(
                "kpi_requester_wait_seconds",
                "group",
                "Billing",
                "window",
                "24h",
                "hours",
                "calendar",
                "stat",
                "p90"))
        .isEqualTo(1800);
    // solved 2 h after creation, 8 h ago: outside the last hour
    assertThat(s.find("kpi_requester_wait_seconds", labels("window", "1h"))).isEmpty();
  }

  static Ticket waited(String id, Instant created, Duration calendar, Duration business) {
    return ticket(id, created)
        .status(TicketStatus.SOLVED)
        .solvedAt(created.plus(Duration.ofHours(2)))
        .updatedAt(created.plus(Duration.ofHours(2)))
        .requesterWaitCalendar(calendar)
        .requesterWaitBusiness(business)
        .build();
  }

  @Test
  void escalationRatioIsOverTicketsCreated() {
    Instant c = NOW.minus(Duration.ofHours(2));
    apply(
        false,
        ticket("1", c).escalated(true).build(),
        ticket("2", c).build(),
        ticket("3", c).build(),
        ticket("4", c).build());

    assertThat(kpi("kpi_escalation_ratio", "window", "24h")).isEqualTo(0.25);
  }

  SurveyResponse survey(
      String id, SurveyKind kind, double score, double min, double max, Instant at) {
    return new SurveyResponse(id, at, kind, score, min, max, at, null, "Billing", null, null);
  }

  @Test
  void csatNpsAndCesFromSurveyResponses() {
    Instant at = NOW.minus(Duration.ofHours(1));
    apply(
        false,
        survey("c1", SurveyKind.CSAT, 5, 1, 5, at),
        survey("c2", SurveyKind.CSAT, 4, 1, 5, at),
        survey("c3", SurveyKind.CSAT, 3, 1, 5, at),
        survey("c4", SurveyKind.CSAT, 1, 1, 5, at),
        survey("g1", SurveyKind.CSAT, 1, 0, 1, at),
        survey("n1", SurveyKind.NPS, 10, 0, 10, at),
        survey("n2", SurveyKind.NPS, 9, 0, 10, at),
        survey("n3", SurveyKind.NPS, 8, 0, 10, at),
        survey("n4", SurveyKind.NPS, 6, 0, 10, at),
        survey("e1", SurveyKind.CES, 6, 1, 7, at),
        survey("e2", SurveyKind.CES, 3, 1, 7, at));

    assertThat(kpi("kpi_csat_ratio", "window", "24h")).isEqualTo(3.0 / 5);
    assertThat(kpi("kpi_nps_score", "window", "24h")).isEqualTo(25.0); // (2-1)/4
    assertThat(kpi("kpi_ces_score", "window", "24h")).isEqualTo(4.5);
    assertThat(kpi("kpi_csat_ratio", "group", "Billing", "window", "24h")).isEqualTo(3.0 / 5);
    // answered exactly 1h ago: outside the 1h window, whose start is exclusive
    assertThat(kpi("kpi_csat_ratio", "window", "1h")).isNaN();
  }

  @Test
  void surveysTakeDimensionsFromTheirTicket() {
    Instant c = NOW.minus(Duration.ofHours(3));
    apply(false, ticket("7", c).group("Returns").build());
    apply(
        false,
        new SurveyResponse(
            "r7", NOW, SurveyKind.CSAT, 2, 1, 5, NOW.minusSeconds(60), "7", null, null, null));

    assertThat(kpi("kpi_csat_ratio", "group", "Returns", "window", "24h")).isEqualTo(0);
    assertThat(kpi("kpi_csat_ratio", "channel", "email", "window", "24h")).isEqualTo(0);
  }

  @Test
  void aSurveysRememberedTicketIsItsNewVersionButNotTheNextTicketInItsSlot() {
    SourceState s = new SourceState("zd", new Rules(Configs.kpi()), true);
    Instant c = NOW.minus(Duration.ofHours(3));
    Ticket seven = ticket("7", c).group("Returns").build();
    s.apply(
        List.of(
            new Change("tickets", null, seven),
            new Change(
                "surveys",
                null,
                new SurveyResponse(
                    "r7",
                    NOW,
                    SurveyKind.CSAT,
                    2,
                    1,
                    5,
                    NOW.minusSeconds(60),
                    "7",
                    null,
                    null,
                    null))),
        false,
        NOW);
    SourceState.SurveyFacts survey = s.surveys.values().iterator().next();
    int slot = s.ticketOf(survey).slot;

    Ticket seven2 = seven.toBuilder().group("Sales").updatedAt(NOW).build();
    s.apply(List.of(new Change("tickets", seven, seven2)), false, NOW);
    assertThat(s.ticketOf(survey)).isSameAs(s.tickets.get("7")); // the new version, same slot
    assertThat(s.ticketOf(survey).slot).isEqualTo(slot);

    s.apply(List.of(new Change("tickets", seven2, new Deleted("7", NOW))), false, NOW);
    s.apply(List.of(new Change("tickets", null, ticket("8", c).build())), false, NOW);
    assertThat(s.tickets.get("8").slot).isEqualTo(slot); // the freed slot, now another ticket's
    assertThat(s.ticketOf(survey)).isNull();
  }

  @Test
  void undefinedRatiosAreAbsentNotNaNButCountsAreZero() {
    KpiSnapshot s = engine.compute();
    assertThat(s.find("kpi_csat_ratio", labels())).isEmpty();

    apply(false, ticket("1", NOW.minus(Duration.ofDays(3))).build());
    s = engine.compute();
    assertThat(s.value("kpi_tickets_created", labels("window", "1h"))).isEqualTo(0);
    assertThat(s.value("kpi_tickets_created", labels("group", "Billing", "window", "1h")))
        .isEqualTo(0);
    assertThat(s.value("kpi_tickets_created", labels("window", "7d"))).isEqualTo(1);
    assertThat(s.series()).noneMatch(x -> Double.isNaN(x.value()));
  }

  @Test
  void kpiSeriesCarryEitherNoDimensionOrExactlyOne() {
    apply(
        false,
        solved("1", NOW.minus(Duration.ofHours(3)), Duration.ofHours(1), Duration.ofHours(2), 1));
    for (KpiSeries s : engine.compute().series()) {
      if (s.name().startsWith("kpi_") && !s.name().equals("kpi_target")) {
        long dims =
            s.labelNames().stream()
                .filter(List.of("group", "priority", "channel")::contains)
                .count();
        assertThat(dims).as(s.toString()).isLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void deletedTicketsLeaveTheBacklogAndEveryKpi() {
    Instant c = NOW.minus(Duration.ofHours(3));
    apply(false, ticket("1", c).firstReplyAt(c.plusSeconds(60)).build(), ticket("2", c).build());
    apply(false, new Deleted("1", NOW));

    KpiSnapshot s = engine.compute();

    assertThat(s.find("tickets_open", labels()).stream().mapToDouble(KpiSeries::value).sum())
        .isEqualTo(1);
    assertThat(s.value("kpi_tickets_created", labels("window", "24h"))).isEqualTo(1);
    assertThat(s.find("kpi_first_response_seconds", labels())).isEmpty();
  }

  @Test
  void slaAttainmentAtRiskAndBreachesFromConfiguredTargets() {
    engine =
        new KpiEngine(
            Configs.kpi(
                Configs.officeHours("UTC"),
                List.of(
                    new SlaPolicy(
                        Priority.URGENT, Duration.ofHours(1), Duration.ofHours(8), false)),
                List.of(),
                50),
            clock);
    Instant c = NOW.minus(Duration.ofHours(3));
    apply(
        false,
        ticket("met", c)
            .priority(Priority.URGENT)
            .firstReplyAt(c.plus(Duration.ofMinutes(30)))
            .build(),
        ticket("late", c)
            .priority(Priority.URGENT)
            .firstReplyAt(c.plus(Duration.ofMinutes(90)))
            .build(),
        ticket("silent", c).priority(Priority.URGENT).build(),
        ticket("soon", NOW.minus(Duration.ofMinutes(20))).priority(Priority.URGENT).build(),
        ticket("later", NOW).priority(Priority.URGENT).firstReplyAt(NOW).build(),
        ticket("untargeted", c).priority(Priority.LOW).build());

    KpiSnapshot s = engine.compute();

    // first response decided in 24h: met, later (met), late (breached), silent (breached at c+1h)
    assertThat(
            s.value(
                "kpi_sla_attainment_ratio", labels("window", "24h", "target", "first_response")))
        .isEqualTo(0.5);
    // "soon" is due in 40 minutes, inside the 1h horizon; "later" resolves due in 8h
    assertThat(s.find("sla_at_risk_tickets", labels()).stream().mapToDouble(KpiSeries::value).sum())
        .isEqualTo(1);
  }

  @Test
  void aSourceWithoutSlaDataOrPolicyHasNoSlaSeriesUntilItsFirstVendorSlaTicket() {
    Instant c = NOW.minus(Duration.ofHours(3));
    apply(
        false,
        ticket("1", c).firstReplyAt(c.plusSeconds(600)).build(),
        ticket("2", c).group("Returns").build());
    assertThat(engine.drainNewLabels().slaTickets()).isEmpty();
    KpiSnapshot s = engine.compute();
    assertThat(s.series())
        .extracting(KpiSeries::name)
        .isNotEmpty()
        .noneMatch(n -> n.startsWith("sla_") || n.equals("kpi_sla_attainment_ratio"));

    // the vendor's SLA data on a new ticket of a third combination: every combination starts
    apply(
        false,
        ticket("3", c)
            .channel("chat")
            .sla(
                List.of(
                    new io.cxexporter.model.SlaStatus(
                        SlaTarget.FIRST_RESPONSE, NOW.plus(Duration.ofMinutes(30)), null, false)))
            .build());
    assertThat(engine.drainNewLabels().slaTickets())
        .extracting(SeenLabels.Combo::values)
        .containsExactlyInAnyOrder(
            List.of("Billing", "normal", "email"),
            List.of("Returns", "normal", "email"),
            List.of("Billing", "normal", "chat"));
    s = engine.compute();
    assertThat(s.find("sla_at_risk_tickets", labels())).hasSize(3);
    assertThat(
            s.value(
                "sla_at_risk_tickets",
                labels("group", "Billing", "priority", "normal", "channel", "chat")))
        .isEqualTo(1);
    // then only the new combinations
    apply(false, ticket("4", c).group("Sales").build());
    assertThat(engine.drainNewLabels().slaTickets())
        .extracting(SeenLabels.Combo::values)
        .containsExactly(List.of("Sales", "normal", "email"));
  }

  @Test
  void aConfiguredSlaPolicyGivesEveryCombinationItsSlaSeries() {
    engine =
        new KpiEngine(
            Configs.kpi(
                Configs.officeHours("UTC"),
                List.of(new SlaPolicy(Priority.URGENT, Duration.ofHours(1), null, false)),
                List.of(),
                50),
            clock);
    apply(false, ticket("1", NOW.minus(Duration.ofHours(3))).build());
    assertThat(engine.drainNewLabels().slaTickets())
        .extracting(SeenLabels.Combo::values)
        .containsExactly(List.of("Billing", "normal", "email"));
    // no urgent ticket, so nothing at risk: 0, not absent
    assertThat(
            kpi(
                "sla_at_risk_tickets",
                "group",
                "Billing",
                "priority",
                "normal",
                "channel",
                "email"))
        .isEqualTo(0);
  }

  @Test
  void breachesAreCountedLiveOnceWhenTheDueTimePasses() {
    engine =
        new KpiEngine(
            Configs.kpi(
                Configs.officeHours("UTC"),
                List.of(new SlaPolicy(Priority.URGENT, Duration.ofHours(1), null, false)),
                List.of(),
                50),
            clock);
    apply(false, ticket("old", NOW.minus(Duration.ofHours(5))).priority(Priority.URGENT).build());
    apply(true, ticket("new", NOW.minus(Duration.ofMinutes(30))).priority(Priority.URGENT).build());

    assertThat(engine.tick()).isEmpty(); // "old" breached before we were live: history
    clock.advance(Duration.ofMinutes(31));
    List<Transition> t = engine.tick();
    assertThat(t)
        .extracting(Transition::type, Transition::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Transition.Type.SLA_BREACH, "first_response"));
    assertThat(engine.tick()).isEmpty();
  }

  @Test
  void vendorSlaEventsReplaceTheConfiguredTargetsAndABreachCountsOnce() {
    engine =
        new KpiEngine(
            Configs.kpi(
                Configs.officeHours("UTC"),
                List.of(new SlaPolicy(Priority.NORMAL, Duration.ofHours(8), null, false)),
                List.of(),
                50),
            clock);
    Instant created = NOW.minus(Duration.ofMinutes(30));
    apply(true, ticket("t1", created).build());
    SlaTarget fr = SlaTarget.FIRST_RESPONSE;
    // the vendor's policy: first reply within 40 minutes, clock from creation
    assertThat(
            apply(
                true,
                new SlaEvent("e1", created, "t1", fr, SlaEvent.Type.STARTED, null, false),
                new SlaEvent(
                    "e2",
                    created,
                    "t1",
                    fr,
                    SlaEvent.Type.GOAL_SET,
                    Duration.ofMinutes(40),
                    false)))
        .isEmpty();
    assertThat(
            kpi(
                "sla_at_risk_tickets",
                "group",
                "Billing",
                "priority",
                "normal",
                "channel",
                "email"))
        .as("due in 10 minutes by the vendor's clock, not in 7.5 h by kpi.sla")
        .isEqualTo(1);
    clock.advance(Duration.ofMinutes(11));
    assertThat(engine.tick())
        .extracting(Transition::type, Transition::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Transition.Type.SLA_BREACH, "first_response"));
    // the vendor's own breach event arrives afterwards: the same breach, not a second one
    assertThat(
            apply(
                true,
                new SlaEvent(
                    "e3",
                    created.plus(Duration.ofMinutes(40)),
                    "t1",
                    fr,
                    SlaEvent.Type.BREACHED,
                    null,
                    false)))
        .isEmpty();
    assertThat(engine.tick()).isEmpty();
    Ticket replied =
        ticket("t1", created).firstReplyAt(clock.instant()).updatedAt(clock.instant()).build();
    apply(true, replied);
    assertThat(kpi("kpi_sla_attainment_ratio", "window", "1h", "target", "first_response"))
        .isEqualTo(0.0);
  }

  @Test
  void backfillMakesNoTransitionsAndLiveChangesMakeEachOnce() {
    Instant c = NOW.minus(Duration.ofHours(3));
    assertThat(apply(false, ticket("1", c).build())).isEmpty();

    List<Transition> t = apply(true, ticket("2", c).build());
    assertThat(t).extracting(Transition::type).containsExactly(Transition.Type.CREATED);

    t =
        apply(
            true,
            solved("2", c, Duration.ofMinutes(10), Duration.ofHours(2), 1).toBuilder()
                .escalated(true)
                .build());
    assertThat(t)
        .extracting(Transition::type)
        .containsExactly(
            Transition.Type.FIRST_REPLY, Transition.Type.SOLVED, Transition.Type.ESCALATED);
    assertThat(t.get(0).calendarSeconds()).isEqualTo(600);
    assertThat(t.get(1).calendarSeconds()).isEqualTo(7200);

    Ticket reopened =
        ticket("2", c)
            .updatedAt(NOW)
            .firstReplyAt(c.plusSeconds(600))
            .reopens(1)
            .escalated(true)
            .build();
    assertThat(apply(true, reopened))
        .extracting(Transition::type)
        .containsExactly(Transition.Type.REOPENED);
    assertThat(apply(true, reopened)).isEmpty(); // the same version again changes nothing
  }

  @Test
  void churnRetentionAndConversion() {
    Instant from = NOW.minus(Duration.ofDays(7));
    apply(
        false,
        new Customer("a", NOW, from.minus(Duration.ofDays(100)), null, 100.0),
        new Customer(
            "b", NOW, from.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(2)), 100.0),
        new Customer("c", NOW, from.minus(Duration.ofDays(100)), null, 100.0),
        new Customer("d", NOW, from.minus(Duration.ofDays(100)), null, 100.0),
        new Customer("new", NOW, NOW.minus(Duration.ofDays(1)), null, 100.0),
        new Customer(
            "gone", NOW, from.minus(Duration.ofDays(100)), from.minus(Duration.ofDays(1)), null),
        new Deal("w1", NOW, from, DealStage.WON, NOW.minus(Duration.ofDays(1)), 10.0),
        new Deal("l1", NOW, from, DealStage.LOST, NOW.minus(Duration.ofDays(1)), 10.0),
        new Deal("l2", NOW, from, DealStage.LOST, NOW.minus(Duration.ofDays(1)), 10.0),
        new Deal("open", NOW, from, DealStage.OPEN, null, 10.0));

    // at the window's start: a, b, c, d (gone left before it) = 4; b lost in it: churn 1/4.
    // retention = (customers at the end − new in the window) ÷ at the start = (4 − 1) / 4
    assertThat(kpi("kpi_churn_ratio", "window", "7d")).isEqualTo(0.25);
    assertThat(kpi("kpi_retention_ratio", "window", "7d")).isEqualTo(0.75);
    assertThat(kpi("kpi_conversion_ratio", "window", "7d")).isEqualTo(1.0 / 3);
    // MRR at the start 400 (a, b, c, d), b's 100 lost
    assertThat(kpi("kpi_mrr_churn_ratio", "window", "7d")).isEqualTo(0.25);
    // now: a, c, d, new active (MRR 400); b and gone churned
    assertThat(engine.compute().value("customers", labels("state", "active"))).isEqualTo(4);
    assertThat(engine.compute().value("customers", labels("state", "churned"))).isEqualTo(2);
    assertThat(engine.compute().value("mrr", labels())).isEqualTo(400);
  }

  @Test
  void retentionSubtractsEveryCustomerNewInTheWindowAndTheRatiosNeedCustomersAtItsStart() {
    Instant from = NOW.minus(Duration.ofDays(7));
    apply(
        false,
        new Customer("old", NOW, from.minus(Duration.ofDays(30)), null, null),
        new Customer("old2", NOW, from.minus(Duration.ofDays(30)), null, null),
        // new in the window and gone again: not at its end, still subtracted
        new Customer(
            "brief", NOW, NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(1)), null),
        new Customer("new", NOW, NOW.minus(Duration.ofDays(2)), null, null));
    assertThat(kpi("kpi_retention_ratio", "window", "7d")).isEqualTo((3.0 - 2) / 2);
    assertThat(kpi("kpi_churn_ratio", "window", "7d")).isZero();
    // no MRR on any customer: no MRR series
    assertThat(engine.compute().find("mrr", labels())).isEmpty();
    assertThat(engine.compute().find("kpi_mrr_churn_ratio", labels("window", "7d"))).isEmpty();
  }

  @Test
  void aDealClosingLiveIsOneTransitionWithItsOutcome() {
    Instant from = NOW.minus(Duration.ofDays(7));
    assertThat(apply(false, new Deal("w", NOW, from, DealStage.WON, NOW, 10.0))).isEmpty();
    Deal open = new Deal("x", NOW.minusSeconds(60), from, DealStage.OPEN, null, 10.0);
    assertThat(apply(true, open)).isEmpty();
    Deal lost = new Deal("x", NOW, from, DealStage.LOST, NOW, 10.0);
    assertThat(apply(true, lost))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.type()).isEqualTo(Transition.Type.DEAL_CLOSED);
              assertThat(t.detail()).isEqualTo("lost");
            });
    assertThat(apply(true, new Deal("x", NOW.plusSeconds(1), from, DealStage.LOST, NOW, 12.0)))
        .as("a closed deal changing again is not closed again")
        .isEmpty();
  }

  @Test
  void labelValuesBeyondTheCapBecomeOther() {
    engine = new KpiEngine(Configs.kpi(Configs.officeHours("UTC"), List.of(), List.of(), 2), clock);
    Instant c = NOW.minus(Duration.ofHours(1));
    apply(
        false,
        ticket("1", c).group("A").build(),
        ticket("2", c).group("B").build(),
        ticket("3", c).group("C").build(),
        ticket("4", c).group(null).build());

    KpiSnapshot s = engine.compute();

    assertThat(
            s.find("kpi_tickets_created", labels("window", "24h")).stream()
                .map(x -> x.label("group"))
                .filter(java.util.Objects::nonNull))
        .containsExactlyInAnyOrder("A", "B", "other", "none");
  }

  @Test
  void targetsAreExported() {
    engine =
        new KpiEngine(
            Configs.kpi(
                Configs.officeHours("UTC"),
                List.of(),
                List.of(
                    new KpiTarget("csat_ratio", "", "7d", 0.85, true),
                    new KpiTarget("first_response_seconds", "p90", "24h", 3600, false, "business"),
                    new KpiTarget("first_response_seconds", "p90", "24h", 7200, false, "calendar")),
                50),
            clock);
    KpiSnapshot snap = engine.compute();
    assertThat(
            snap.value(
                "kpi_target", Map.of("kpi", "csat_ratio", "stat", "", "window", "7d", "hours", "")))
        .isEqualTo(0.85);
    // one goal per hours: a calendar-hours series is never compared with a business-hours goal
    assertThat(
            snap.value(
                "kpi_target",
                Map.of(
                    "kpi",
                    "first_response_seconds",
                    "stat",
                    "p90",
                    "window",
                    "24h",
                    "hours",
                    "business")))
        .isEqualTo(3600);
    assertThat(
            snap.value(
                "kpi_target",
                Map.of(
                    "kpi",
                    "first_response_seconds",
                    "stat",
                    "p90",
                    "window",
                    "24h",
                    "hours",
                    "calendar")))
        .isEqualTo(7200);
  }

  @Test
  void oldSolvedTicketsArePrunedButAnUpdateIsNotMistakenForANewTicket() {
    Instant c = NOW.minus(Duration.ofDays(60));
    apply(false, solved("1", c, Duration.ofHours(1), Duration.ofHours(2), 1));
    engine.compute(); // prunes it: no window reaches 60 days back

    Ticket reopened =
        ticket("1", c).updatedAt(NOW).firstReplyAt(c.plusSeconds(3600)).reopens(1).build();
    assertThat(apply(true, reopened))
        .extracting(Transition::type)
        .containsExactly(Transition.Type.REOPENED);
  }

  @Test
  void loadReplacesWhatTheEngineKnewOfTheSource() {
    Instant c = NOW.minus(Duration.ofHours(5));
    apply(false, ticket("1", c).build(), ticket("2", c).group("Returns").build());
    engine.apply(
        "fd", List.of(new Change("tickets", null, ticket("9", c).build())), false); // untouched
    List<Record> stored =
        List.of(
            solved("1", c, Duration.ofHours(1), Duration.ofHours(2), 1),
            ticket("3", c).group("Sales").build());

    long n = engine.load("zd", action -> stored.forEach(r -> action.accept("tickets", r)));

    KpiEngine clean = new KpiEngine(Configs.kpi(), clock);
    clean.apply("zd", stored.stream().map(r -> new Change("tickets", null, r)).toList(), false);
    clean.apply("fd", List.of(new Change("tickets", null, ticket("9", c).build())), false);
    assertThat(n).isEqualTo(2);
    assertThat(engine.compute().series())
        .as("the stored records only, the other source untouched, the source in its place")
        .isEqualTo(clean.compute().series());
  }

  @Test
  void aLoadThatFailsKeepsThePreviousState() {
    apply(false, ticket("1", NOW.minus(Duration.ofHours(5))).build());
    List<KpiSeries> before = engine.compute().series();

    assertThatThrownBy(
            () ->
                engine.load(
                    "zd",
                    action -> {
                      action.accept("tickets", ticket("2", NOW).build());
                      throw new IllegalStateException("store gone");
                    }))
        .hasMessage("store gone");

    assertThat(engine.compute().series()).isEqualTo(before);
  }

  @Test
  void newLabelsAreDrainedOnlyFromSourcesChangedSinceTheLastDrain() {
    Instant c = NOW.minus(Duration.ofHours(5));
    apply(false, ticket("1", c).build());
    engine.apply("fd", List.of(new Change("tickets", null, ticket("9", c).build())), false);
    SeenLabels first = engine.drainNewLabels();
    assertThat(first.tickets()).extracting(SeenLabels.Combo::source).containsExactly("zd", "fd");
    // every source known starts its cx_series_dropped_total at 0 once
    assertThat(first.seriesDropped()).containsExactly(Map.entry("zd", 0L), Map.entry("fd", 0L));

    // an apply with nothing new: the source is looked at, nothing is reported
    apply(false, ticket("2", c).build());
    SeenLabels second = engine.drainNewLabels();
    assertThat(second.tickets()).isEmpty();
    assertThat(second.seriesDropped()).isEmpty();

    // a new combination in fd only; a load reports all of a source's labels again
    engine.apply(
        "fd", List.of(new Change("tickets", null, ticket("8", c).group("Sales").build())), false);
    assertThat(engine.drainNewLabels().tickets())
        .extracting(SeenLabels.Combo::source)
        .containsExactly("fd");
    engine.load("zd", action -> action.accept("tickets", ticket("1", c).build()));
    SeenLabels loaded = engine.drainNewLabels();
    assertThat(loaded.tickets()).extracting(SeenLabels.Combo::source).containsExactly("zd");
    assertThat(loaded.seriesDropped()).containsExactly(Map.entry("zd", 0L));
  }

  @Test
  void loadingSeveralSourcesAtOnceIsLoadingEachInTurn() {
    Instant c = NOW.minus(Duration.ofHours(5));
    Map<String, List<Record>> stored =
        new java.util.LinkedHashMap<>(
            Map.of(
                "zd",
                List.of(
                    solved("1", c, Duration.ofHours(1), Duration.ofHours(2), 1),
                    ticket("3", c).group("Sales").build()),
                "fd",
                List.of(ticket("9", c).build())));
    engine.apply(
        "old", List.of(new Change("tickets", null, ticket("5", c).build())), false); // untouched
    engine.apply("zd", List.of(new Change("tickets", null, ticket("7", c).build())), false);

    long n =
        engine.loadAll(
            sink -> {
              for (String source : List.of("zd", "none", "fd")) {
                sink.begin(source);
                stored.getOrDefault(source, List.of()).forEach(r -> sink.record("tickets", r));
              }
            });

    KpiEngine oneByOne = new KpiEngine(Configs.kpi(), clock);
    oneByOne.apply("old", List.of(new Change("tickets", null, ticket("5", c).build())), false);
    for (String source : List.of("zd", "none", "fd")) {
      oneByOne.load(
          source,
          action ->
              stored.getOrDefault(source, List.of()).forEach(r -> action.accept("tickets", r)));
    }
    assertThat(n).isEqualTo(3);
    assertThat(engine.compute().series()).isEqualTo(oneByOne.compute().series());
    assertThat(engine.drainNewLabels().tickets())
        .containsExactlyInAnyOrderElementsOf(oneByOne.drainNewLabels().tickets());
  }
}
