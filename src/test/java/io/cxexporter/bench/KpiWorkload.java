package io.cxexporter.bench;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.SlaPolicy;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Configs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * A deterministic helpdesk history for the KPI benchmarks: {@code n} tickets created uniformly over
 * the 30 days before {@link #NOW}, 8 groups, 4 priorities, 5 channels, 200 agents, log-normal reply
 * and resolution times (so about a tenth is still open at {@code NOW}), some reopens and
 * escalations, plus CSAT, NPS and CES answers about solved tickets.
 *
 * <p>Ticket {@code i} is a pure function of {@code i}: a later version of it can be derived without
 * keeping the first. Strings are fresh instances per record, as the store's JSON decoding yields
 * them, so heap numbers are not flattered by shared constants.
 */
final class KpiWorkload {
  /** A Wednesday noon. */
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");

  static final Duration HISTORY = Duration.ofDays(30);
  static final String SOURCE = "zd";
  static final int PAGE = 1_000;

  static final String[] GROUPS = {
    "Billing", "Returns", "Shipping", "Tech Support", "Accounts", "Sales", "Onboarding", "VIP"
  };
  static final String[] CHANNELS = {"email", "chat", "phone", "web", "social"};
  static final String[] TAGS = {"vip", "refund", "bug", "invoice", "delivery", "login", "promo"};
  static final String[] TOPICS = {
    "Order", "Invoice", "Parcel", "Account", "Subscription", "Payment", "Password", "Return"
  };

  private static final long SEED = 0x5eed_cafe_f00dL;

  private KpiWorkload() {}

  /** The demo-like KPI config: Configs.kpi() windows and dimensions, office hours and SLAs. */
  static KpiConfig config() {
    return Configs.kpi(
        Configs.officeHours("UTC"),
        List.of(
            new SlaPolicy(Priority.URGENT, Duration.ofHours(1), Duration.ofHours(9), true),
            new SlaPolicy(Priority.HIGH, Duration.ofHours(2), Duration.ofHours(18), true),
            new SlaPolicy(Priority.NORMAL, Duration.ofHours(4), Duration.ofHours(27), true),
            new SlaPolicy(Priority.LOW, Duration.ofHours(8), Duration.ofHours(45), true)),
        List.of(),
        50);
  }

  private static SplittableRandom random(long i, long salt) {
    return new SplittableRandom(SEED ^ (i * 0x9E3779B97F4A7C15L) ^ salt);
  }

  /** e^N(ln median, sigma): a log-normal duration. */
  private static Duration logNormal(SplittableRandom r, Duration median, double sigma) {
    double g = gaussian(r);
    return Duration.ofMillis((long) (median.toMillis() * Math.exp(sigma * g)));
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Ticket {@code i} of {@code n} as seen at {@link #NOW}. */
  static Ticket ticket(long i, long n) {
    SplittableRandom r = random(i, 1);
    long span = HISTORY.toMillis();
    Instant created = NOW.minusMillis(span - (span * i / n) - 1 + r.nextInt(1000));
    if (created.isAfter(NOW)) {
      created = NOW;
    }
    int p = r.nextInt(10);
    Priority priority =
        p < 2 ? Priority.LOW : p < 7 ? Priority.NORMAL : p < 9 ? Priority.HIGH : Priority.URGENT;
    String group = new String(GROUPS[r.nextInt(GROUPS.length)]);
    String channel = new String(CHANNELS[r.nextInt(CHANNELS.length)]);
    String assignee = "agent" + r.nextInt(200);
    String subject =
        TOPICS[r.nextInt(TOPICS.length)] + " #" + (100_000 + r.nextInt(900_000)) + " needs help";
    List<String> tags = new ArrayList<>();
    for (int t = r.nextInt(3); t > 0; t--) {
      tags.add(new String(TAGS[r.nextInt(TAGS.length)]));
    }
    Duration toReply = logNormal(r, Duration.ofHours(2), 1.3);
    Duration toSolve = logNormal(r, Duration.ofHours(30), 1.2);
    boolean stuck = r.nextInt(50) == 0; // waits on the customer or a third party
    if (toReply.compareTo(toSolve) > 0) {
      toReply = toSolve.dividedBy(2);
    }
    Instant replied = created.plus(toReply);
    Instant solved = created.plus(toSolve);
    boolean open = stuck || solved.isAfter(NOW);
    Ticket.Builder b =
        Ticket.builder(Long.toString(10_000_000 + i))
            .createdAt(created)
            .priority(priority)
            .group(group)
            .channel(channel)
            .subject(subject)
            .tags(tags)
            .escalated(r.nextInt(25) == 0)
            .reopens(r.nextInt(20) == 0 ? 1 + r.nextInt(2) : 0)
            .agentReplies(r.nextInt(20) == 0 ? null : 1 + (int) Math.abs(gaussian(r) * 2));
    Instant updated = created;
    if (!replied.isAfter(NOW)) {
      b.firstReplyAt(replied).assignee(assignee);
      updated = replied;
    }
    if (open) {
      b.status(
          updated == created
              ? TicketStatus.NEW
              : switch (r.nextInt(4)) {
                case 0 -> TicketStatus.PENDING;
                case 1 -> TicketStatus.ON_HOLD;
                default -> TicketStatus.OPEN;
              });
    } else {
      b.solvedAt(solved)
          .assignee(assignee)
          .status(
              solved.isBefore(NOW.minus(Duration.ofDays(4)))
                  ? TicketStatus.CLOSED
                  : TicketStatus.SOLVED);
      updated = solved;
    }
    return b.updatedAt(updated).build();
  }

  /** The survey answers about ticket {@code t} ({@code i} of the workload), maybe none. */
  static List<Change> surveys(long i, Ticket t) {
    if (t.isOpen()) {
      return List.of();
    }
    SplittableRandom r = random(i, 2);
    List<Change> out = new ArrayList<>(1);
    int pick = r.nextInt(100);
    SurveyKind kind =
        pick < 25
            ? SurveyKind.CSAT
            : pick < 30 ? SurveyKind.NPS : pick < 35 ? SurveyKind.CES : null;
    if (kind == null) {
      return out;
    }
    Instant at = t.solvedAt().plus(logNormal(r, Duration.ofHours(3), 1.0));
    if (at.isAfter(NOW)) {
      return out;
    }
    double score;
    double min;
    double max;
    switch (kind) {
      case CSAT -> {
        score = r.nextInt(10) < 8 ? 1 : 0;
        min = 0;
        max = 1;
      }
      case NPS -> {
        score = Math.min(10, Math.max(0, Math.round(8 + gaussian(r) * 2.5)));
        min = 0;
        max = 10;
      }
      default -> {
        score = 1 + r.nextInt(7);
        min = 1;
        max = 7;
      }
    }
    SurveyResponse s =
        new SurveyResponse(
            kind.label() + "-" + t.id(),
            at,
            kind,
            score,
            min,
            max,
            at,
            new String(t.id()),
            null,
            null,
            null);
    out.add(new Change(kind.label(), null, s));
    return out;
  }

  /** Result of {@link #load}. */
  record Loaded(long tickets, long open, long surveys) {}

  /**
   * Hands ticket {@code 0..n-1} and its survey answers to {@code action} as {@code (stream,
   * record)}, oldest ticket first: streams {@code tickets} and {@code csat}/{@code nps}/{@code
   * ces}, as a store holds them. Strings are fresh per call, as the store's decoding yields them.
   */
  static Loaded forEach(long n, BiConsumer<String, Record> action) {
    long open = 0;
    long surveys = 0;
    long t0 = System.nanoTime();
    for (long i = 0; i < n; i++) {
      Ticket t = ticket(i, n);
      open += t.isOpen() ? 1 : 0;
      action.accept("tickets", t);
      for (Change s : surveys(i, t)) {
        action.accept(s.stream(), s.after());
        surveys++;
      }
      if ((i + 1) % 200_000 == 0) {
        System.err.printf(
            "   generated %,d tickets (%.1f s)%n", i + 1, (System.nanoTime() - t0) / 1e9);
      }
    }
    return new Loaded(n, open, surveys);
  }

  /** Feeds {@code n} tickets and their surveys as history, in pages of {@link #PAGE}. */
  static Loaded load(KpiEngine engine, long n) {
    List<Change> page = new ArrayList<>(PAGE + 16);
    Loaded loaded =
        forEach(
            n,
            (stream, r) -> {
              page.add(new Change(stream, null, r));
              if (page.size() >= PAGE) {
                engine.apply(SOURCE, page, false);
                page.clear();
              }
            });
    engine.apply(SOURCE, page, false);
    return loaded;
  }

  /**
   * Writes {@code n} tickets and their surveys into a real {@link Store} under {@link #SOURCE}, a
   * page of {@link #PAGE} records per stream and transaction, as a backfill stores them; every
   * stream ends caught up.
   */
  static Loaded store(Store store, long n) {
    Map<String, List<Record>> pages = new LinkedHashMap<>();
    long[] pageNo = {0};
    Loaded loaded =
        forEach(
            n,
            (stream, r) -> {
              List<Record> page = pages.computeIfAbsent(stream, k -> new ArrayList<>(PAGE));
              page.add(r);
              if (page.size() >= PAGE) {
                store.apply(SOURCE, stream, page, new Cursor("page-" + ++pageNo[0]), false);
                page.clear();
              }
            });
    for (Map.Entry<String, List<Record>> e : pages.entrySet()) {
      store.apply(SOURCE, e.getKey(), e.getValue(), new Cursor("page-" + ++pageNo[0]), true);
    }
    return loaded;
  }

  /**
   * One page of {@code size} changed tickets at {@code at}: 30% new tickets, 40% open tickets
   * getting a reply or a solve, 30% solved tickets closed, reopened or escalated (300/400/300 for a
   * page of 1,000). Each change carries the stored previous version, as the store returns it.
   *
   * @param page the page number, to vary the picks and to number new tickets (give each page of a
   *     run its own number)
   * @param size changed tickets in the page, at most {@link #PAGE}
   * @param touched history tickets changed by earlier pages: never picked again, so each change's
   *     previous version is the one the engine holds
   */
  static List<Change> page(long n, int page, int size, Instant at, java.util.Set<Long> touched) {
    if (size <= 0 || size > PAGE) {
      throw new IllegalArgumentException("page size " + size);
    }
    int fresh = size * 3 / 10;
    int opened = size * 4 / 10;
    int solved = size - fresh - opened;
    SplittableRandom r = random(page, 3);
    List<Change> out = new ArrayList<>(size);
    for (int k = 0; k < fresh; k++) {
      long id = n + (long) page * PAGE + k;
      Instant created = at.minusSeconds(r.nextInt(600));
      out.add(
          new Change(
              "tickets",
              null,
              Ticket.builder(Long.toString(10_000_000 + id))
                  .createdAt(created)
                  .updatedAt(created)
                  .status(TicketStatus.NEW)
                  .priority(Priority.values()[r.nextInt(4)])
                  .group(new String(GROUPS[r.nextInt(GROUPS.length)]))
                  .channel(new String(CHANNELS[r.nextInt(CHANNELS.length)]))
                  .subject("New question #" + id)
                  .build()));
    }
    int openPicked = 0;
    int solvedPicked = 0;
    // the newest tenth of the history holds most open tickets and the recently solved ones
    long from = n - n / 10;
    while (openPicked + solvedPicked < opened + solved) {
      long i = from + r.nextLong(n - from);
      if (!touched.add(i)) {
        continue;
      }
      Ticket before = ticket(i, n);
      Ticket.Builder b = before.toBuilder().updatedAt(at);
      if (before.isOpen() && openPicked < opened) {
        if (before.firstReplyAt() == null) {
          b.firstReplyAt(at).assignee("agent" + r.nextInt(200)).status(TicketStatus.OPEN);
        } else {
          b.solvedAt(at).status(TicketStatus.SOLVED);
        }
        openPicked++;
      } else if (!before.isOpen() && solvedPicked < solved) {
        switch (r.nextInt(3)) {
          case 0 -> b.status(TicketStatus.CLOSED);
          case 1 -> b.status(TicketStatus.OPEN).reopens(before.reopens() + 1);
          default -> b.escalated(true);
        }
        solvedPicked++;
      } else {
        continue;
      }
      out.add(new Change("tickets", before, b.build()));
    }
    return out;
  }
}
