package io.cxexporter.kpi;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A random history of one source, a pure function of its seed: pages of records in arrival order
 * and a clock that moves in irregular jumps, for {@link KpiDifferentialTest}.
 *
 * <p>It has tickets that are created, answered, solved, closed, reopened, moved between groups,
 * priorities and channels, and deleted (a {@link Deleted} tombstone); surveys (CSAT, NPS, CES) that
 * are answered, re-scored and deleted; the vendor's SLA clock events (goal set, started, paused,
 * met) of some tickets; a few customers and deals. Some pages re-deliver an older version after a
 * newer one. Business durations are sometimes given by the vendor and sometimes left to the
 * engine's calendar. The clock starts a few days before a DST change in Europe/Ljubljana
 * (2026-03-29 or 2026-10-25) and jumps by seconds to days, sometimes straight across a window edge
 * or a business-hours boundary with no page in between.
 */
final class FuzzHistory {
  /** One thing that happens, in order. */
  sealed interface Step permits Advance, Page, Check {}

  /** The clock moves to {@code to}; the engine ticks. */
  record Advance(Instant to) implements Step {}

  /** A page of one stream arrives; {@code live} false for the backfill's pages. */
  record Page(String stream, List<Record> records, boolean live) implements Step {}

  /** Compare the engine with the oracle here. */
  record Check() implements Step {}

  static final String TICKETS = "tickets";
  static final String SURVEYS = "surveys";
  static final String CUSTOMERS = "customers";
  static final String DEALS = "deals";
  static final String SLA_EVENTS = "sla_events";

  private static final String[] GROUPS = {"Billing", "Returns", "Tech", null};
  private static final String[] CHANNELS = {"email", "chat", "phone", null};
  private static final String[] TAGS = {"vip", "bug", "refund", "promo"};
  private static final String[] AGENTS = {"ana", "bob", "cy"};
  private static final Instant[] DST = {
    Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-10-25T01:00:00Z")
  };

  final long seed;
  final Instant start;

  /** {@code kpi.max_label_values} for this history: 2 in a third of them, so values fold. */
  final int maxLabels;

  /**
   * {@code kpi.tags} for this history: none in a third, a cap of 2 (so tags fold into "other") in a
   * third, an allow list in a third; and in half of them {@code assignee} is a dimension too.
   */
  final io.cxexporter.config.TagConfig tags;

  final boolean assigneeDimension;

  final List<Step> steps = new ArrayList<>();
  private final SplittableRandom r;
  private Instant now;
  private final Map<String, List<Ticket>> tickets = new LinkedHashMap<>();
  private final Map<String, List<SurveyResponse>> surveys = new LinkedHashMap<>();
  private final List<String> deals = new ArrayList<>();
  private final List<SlaEvent> slaEvents = new ArrayList<>();

  /**
   * Tickets with vendor SLA events: never deleted nor reopened, and their events come after them
   * and are recent, so the known difference {@link KpiDifferentialTest} pins (events of a ticket
   * the engine does not hold are pruned) cannot occur.
   */
  private final java.util.Set<String> slaTickets = new java.util.HashSet<>();

  /** Tickets a tombstone was sent for. */
  private final java.util.Set<String> deletedTickets = new java.util.HashSet<>();

  private int nextId = 1;
  private int records;

  private FuzzHistory(long seed) {
    this.seed = seed;
    this.r = new SplittableRandom(seed);
    // start 0-6 days before a DST change, at any second
    Instant dst = DST[r.nextInt(DST.length)];
    this.start =
        dst.minusSeconds(r.nextLong(6 * 86_400L))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    this.now = start;
    this.maxLabels = r.nextInt(3) == 0 ? 2 : 50;
    this.tags =
        switch (r.nextInt(3)) {
          case 0 -> null;
          case 1 -> new io.cxexporter.config.TagConfig(List.of(), 2);
          default -> new io.cxexporter.config.TagConfig(List.of("vip", "bug"), 20);
        };
    this.assigneeDimension = r.nextBoolean();
  }

  private List<String> someTags() {
    List<String> out = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      out.add(TAGS[r.nextInt(TAGS.length)]);
    }
    return out;
  }

  /** The history of {@code seed}: 20 to 200 records, several comparison points. */
  static FuzzHistory of(long seed) {
    FuzzHistory h = new FuzzHistory(seed);
    h.generate(20 + h.r.nextInt(181));
    return h;
  }

  /** The clock at the end of the history. */
  Instant end() {
    return now;
  }

  private void generate(int target) {
    // a backfill first: history up to 40 days back, read before going live
    int backfill = r.nextInt(target / 2 + 1);
    List<Record> page = new ArrayList<>();
    for (int i = 0; i < backfill; i++) {
      Ticket t = newTicket(now.minusSeconds(r.nextLong(40 * 86_400L)));
      t = maybeProgress(t, now);
      page.add(t);
      if (r.nextInt(4) == 0) {
        steps.add(new Page(TICKETS, List.copyOf(page), false));
        page.clear();
      }
    }
    if (!page.isEmpty()) {
      steps.add(new Page(TICKETS, List.copyOf(page), false));
    }
    records += backfill;
    if (r.nextBoolean()) {
      steps.add(new Check());
    }
    while (records < target) {
      advance();
      int n = 1 + r.nextInt(8);
      switch (r.nextInt(10)) {
        case 0, 1 -> surveyPage(n);
        case 2 -> customerPage();
        case 3 -> dealPage();
        case 4 -> slaPage();
        default -> ticketPage(n);
      }
      if (r.nextInt(6) == 0) {
        steps.add(new Check());
      }
    }
    // idle at the end: sometimes across a window edge or a day
    if (r.nextBoolean()) {
      advance();
    }
    steps.add(new Check());
  }

  private void advance() {
    long s =
        switch (r.nextInt(8)) {
          case 0 -> r.nextLong(60);
          case 1, 2 -> r.nextLong(3_600);
          case 3, 4 -> r.nextLong(6 * 3_600);
          case 5 -> r.nextLong(3 * 86_400);
          case 6 -> 3_600 + r.nextLong(-2, 3); // just across a 1h window edge
          default -> 86_400 + r.nextLong(-2, 3); // just across a 24h window edge
        };
    now = now.plusSeconds(s).plusMillis(r.nextInt(3) == 0 ? r.nextInt(1000) : 0);
    steps.add(new Advance(now));
    if (r.nextInt(12) == 0) {
      // the host clock stepped back (NTP) and forward again
      steps.add(new Advance(now.minusSeconds(1 + r.nextLong(900))));
      steps.add(new Advance(now));
    }
    while (r.nextInt(4) == 0) {
      // idle: time passes with no page, the engine ticks
      now = now.plusSeconds(r.nextLong(2 * 86_400));
      steps.add(new Advance(now));
    }
  }

  private String id() {
    return Integer.toString(nextId++);
  }

  private Instant recent() {
    // within the last two hours, or a late-arriving old record
    return r.nextInt(8) == 0
        ? now.minusSeconds(r.nextLong(35 * 86_400L))
        : now.minusSeconds(r.nextLong(7_200));
  }

  private Ticket newTicket(Instant created) {
    Ticket t =
        Ticket.builder(id())
            .createdAt(created)
            .updatedAt(created)
            .status(r.nextInt(3) == 0 ? TicketStatus.NEW : TicketStatus.OPEN)
            .priority(r.nextInt(6) == 0 ? null : Priority.values()[r.nextInt(4)])
            .group(GROUPS[r.nextInt(GROUPS.length)])
            .channel(CHANNELS[r.nextInt(CHANNELS.length)])
            .tags(someTags())
            .build();
    tickets.computeIfAbsent(t.id(), k -> new ArrayList<>()).add(t);
    return t;
  }

  /** A later version of {@code t}, updated at a time between its last update and {@code until}. */
  private Ticket maybeProgress(Ticket t, Instant until) {
    int steps = r.nextInt(4);
    for (int i = 0; i < steps; i++) {
      t = next(t, between(t.updatedAt(), until));
    }
    return t;
  }

  private Instant between(Instant from, Instant to) {
    long span = Math.max(0, to.toEpochMilli() - from.toEpochMilli());
    return from.plusMillis(span == 0 ? 0 : r.nextLong(span + 1));
  }

  private Ticket next(Ticket t, Instant at) {
    Ticket.Builder b = t.toBuilder().updatedAt(at);
    if (t.firstReplyAt() == null && r.nextInt(3) != 0) {
      b.firstReplyAt(at)
          .agentReplies(1 + r.nextInt(2))
          .assignee(AGENTS[r.nextInt(AGENTS.length)])
          .status(TicketStatus.OPEN);
      durations(b, t.createdAt(), at, true);
    } else if (t.isOpen() && r.nextInt(3) != 0) {
      if (t.firstReplyAt() == null) {
        b.firstReplyAt(at);
        durations(b, t.createdAt(), at, true);
      }
      b.solvedAt(at).status(r.nextInt(4) == 0 ? TicketStatus.CLOSED : TicketStatus.SOLVED);
      durations(b, t.createdAt(), at, false);
    } else if (!t.isOpen() && !slaTickets.contains(t.id()) && r.nextBoolean()) {
      // reopened: no longer solved
      b.status(TicketStatus.OPEN)
          .solvedAt(null)
          .resolutionCalendar(null)
          .resolutionBusiness(null)
          .reopens(t.reopens() + 1);
    } else {
      switch (r.nextInt(5)) {
        case 4 -> b.tags(someTags());
        case 0 -> b.group(GROUPS[r.nextInt(GROUPS.length)]);
        case 1 -> b.priority(Priority.values()[r.nextInt(4)]);
        case 2 -> b.channel(CHANNELS[r.nextInt(CHANNELS.length)]);
        default -> b.status(t.isOpen() ? TicketStatus.PENDING : TicketStatus.CLOSED);
      }
    }
    Ticket n = b.build();
    tickets.get(t.id()).add(n);
    return n;
  }

  /** Vendor durations: sometimes both given, sometimes only calendar, sometimes neither. */
  private void durations(Ticket.Builder b, Instant from, Instant to, boolean reply) {
    int mode = r.nextInt(3);
    Duration cal = mode == 2 ? null : Duration.between(from, to);
    Duration bus = mode == 0 ? Duration.ofSeconds(r.nextLong(cal.getSeconds() + 1)) : null;
    if (reply) {
      b.firstReplyCalendar(cal).firstReplyBusiness(bus);
    } else {
      b.resolutionCalendar(cal).resolutionBusiness(bus);
    }
  }

  private void ticketPage(int n) {
    List<Record> page = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(10);
      List<String> ids = new ArrayList<>(tickets.keySet());
      if (ids.isEmpty() || pick < 3) {
        page.add(newTicket(recent()));
      } else {
        List<Ticket> versions = tickets.get(ids.get(r.nextInt(ids.size())));
        Ticket last = versions.get(versions.size() - 1);
        if (pick == 3) {
          // an older version arriving after a newer one
          page.add(versions.get(r.nextInt(versions.size())));
        } else if (pick == 4 && r.nextInt(3) == 0 && !slaTickets.contains(last.id())) {
          deletedTickets.add(last.id());
          page.add(new Deleted(last.id(), between(last.updatedAt(), now)));
        } else {
          page.add(next(last, between(last.updatedAt(), now)));
        }
      }
    }
    records += page.size();
    steps.add(new Page(TICKETS, page, true));
  }

  private void surveyPage(int n) {
    List<Record> page = new ArrayList<>();
    List<String> ids = new ArrayList<>(tickets.keySet());
    for (int i = 0; i < n; i++) {
      List<String> known = new ArrayList<>(surveys.keySet());
      if (known.isEmpty() || r.nextInt(3) != 0) {
        page.add(survey(id(), ids.isEmpty() ? null : ids.get(r.nextInt(ids.size())), recent()));
      } else {
        List<SurveyResponse> versions = surveys.get(known.get(r.nextInt(known.size())));
        SurveyResponse last = versions.get(versions.size() - 1);
        switch (r.nextInt(3)) {
          case 0 -> page.add(versions.get(r.nextInt(versions.size())));
          case 1 -> page.add(new Deleted(last.id(), between(last.updatedAt(), now)));
          default -> {
            SurveyResponse s = rescore(last, between(last.updatedAt(), now));
            versions.add(s);
            page.add(s);
          }
        }
      }
    }
    records += page.size();
    steps.add(new Page(SURVEYS, page, true));
  }

  private SurveyResponse survey(String id, String ticketId, Instant at) {
    SurveyKind kind = SurveyKind.values()[r.nextInt(3)];
    double min = kind == SurveyKind.NPS ? 0 : 1;
    double max =
        switch (kind) {
          case CSAT -> r.nextBoolean() ? 5 : 2;
          case NPS -> 10;
          case CES -> 7;
        };
    // a third without labels of their own: they take their ticket's (or none)
    boolean own = r.nextInt(3) != 0;
    SurveyResponse s =
        new SurveyResponse(
            id,
            at,
            kind,
            min + r.nextInt((int) (max - min) + 1),
            min,
            max,
            at,
            ticketId,
            // now and then a group no ticket has: an aggregate the survey pass makes itself
            own ? (r.nextInt(10) == 0 ? "Survey desk" : GROUPS[r.nextInt(GROUPS.length)]) : null,
            !own || r.nextInt(4) == 0 ? null : Priority.values()[r.nextInt(4)],
            own ? CHANNELS[r.nextInt(CHANNELS.length)] : null);
    surveys.computeIfAbsent(id, k -> new ArrayList<>()).add(s);
    return s;
  }

  private SurveyResponse rescore(SurveyResponse s, Instant at) {
    double score = s.scaleMin() + r.nextInt((int) (s.scaleMax() - s.scaleMin()) + 1);
    return new SurveyResponse(
        s.id(),
        at,
        s.kind(),
        score,
        s.scaleMin(),
        s.scaleMax(),
        r.nextBoolean() ? s.respondedAt() : at,
        s.ticketId(),
        s.group(),
        s.priority(),
        s.channel());
  }

  private void customerPage() {
    List<Record> page = new ArrayList<>();
    for (int i = 0; i < 1 + r.nextInt(3); i++) {
      Instant since = now.minusSeconds(r.nextLong(60 * 86_400L));
      Instant churned = r.nextInt(3) == 0 ? between(since, now) : null;
      page.add(
          new Customer(
              "c" + r.nextInt(6),
              now,
              since,
              churned,
              r.nextBoolean() ? null : 10.0 * r.nextInt(50)));
    }
    records += page.size();
    steps.add(new Page(CUSTOMERS, page, true));
  }

  private void dealPage() {
    List<Record> page = new ArrayList<>();
    for (int i = 0; i < 1 + r.nextInt(3); i++) {
      String id =
          deals.isEmpty() || r.nextBoolean() ? "d" + id() : deals.get(r.nextInt(deals.size()));
      if (!deals.contains(id)) {
        deals.add(id);
      }
      Instant created = now.minusSeconds(r.nextLong(40 * 86_400L));
      DealStage stage = DealStage.values()[r.nextInt(3)];
      Instant closed = stage == DealStage.OPEN ? null : between(created, now);
      page.add(
          r.nextInt(8) == 0
              ? new Deleted(id, now)
              : new Deal(
                  id, now, created, stage, closed, r.nextBoolean() ? null : 100.0 * r.nextInt(20)));
    }
    records += page.size();
    steps.add(new Page(DEALS, page, true));
  }

  /** The vendor's SLA clock events of some tickets: new, re-delivered late, or deleted. */
  private void slaPage() {
    List<Record> page = new ArrayList<>();
    List<String> ids = new ArrayList<>(tickets.keySet());
    ids.removeAll(deletedTickets);
    for (int i = 0; i < 1 + r.nextInt(4) && !ids.isEmpty(); i++) {
      if (!slaEvents.isEmpty() && r.nextInt(4) == 0) {
        SlaEvent old = slaEvents.get(r.nextInt(slaEvents.size()));
        page.add(r.nextBoolean() ? old : new Deleted(old.id(), now));
        continue;
      }
      List<Ticket> versions = tickets.get(ids.get(r.nextInt(ids.size())));
      Ticket t = versions.get(0);
      slaTickets.add(t.id());
      SlaEvent.Type type = SlaEvent.Type.values()[r.nextInt(SlaEvent.Type.values().length)];
      SlaEvent e =
          new SlaEvent(
              "e" + id(),
              between(latest(t.createdAt(), now.minusSeconds(3_600)), now),
              t.id(),
              SlaTarget.values()[r.nextInt(2)],
              type,
              type == SlaEvent.Type.GOAL_SET || r.nextBoolean()
                  ? Duration.ofMinutes(1 + r.nextInt(24 * 60))
                  : null,
              r.nextBoolean(),
              r.nextInt(5));
      slaEvents.add(e);
      page.add(e);
    }
    records += Math.max(1, page.size());
    steps.add(new Page(SLA_EVENTS, page, true));
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
