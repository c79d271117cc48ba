package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;
import static io.cxexporter.connector.demo.Rng.HOUR;
import static io.cxexporter.connector.demo.Rng.MINUTE;

import io.cxexporter.model.Deleted;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated ticket's whole life, drawn at its creation from a generator seeded by its key:
 * first reply after a long-tailed delay in working time, replies alternating with customer answers
 * (pending) or internal work (open), sometimes on hold or escalated, solved (with the last reply,
 * after the customer confirms, or by automation after a day and a half of silence), sometimes
 * reopened, closed four days after the last solve; plus the CSAT rating and CES answer that follow
 * some solves.
 *
 * <p>Each solved version carries its requester wait time as Zendesk defines it: the time spent new,
 * open or on hold (not pending, not solved), summed over reopens, in calendar time and in the
 * team's working hours.
 *
 * <p>Agents act only in working time ({@link WorkCalendar}); customers answer at any hour. A live
 * ticket of a connector with {@code speedup > 1} is drawn the same way and then has every offset
 * from its creation divided by the speedup, so its whole life plays out that many times faster (and
 * no longer respects working hours).
 *
 * <p>Every event lies within {@link #MAX_LIFETIME} of the creation, so a reader of {@code (t, now]}
 * only needs the tickets created after {@code t - MAX_LIFETIME}.
 */
final class TicketLife {
  /** No event of a ticket, its rating or its CES answer lies further from its creation. */
  static final long MAX_LIFETIME = 50 * DAY;

  private static final long FIRST_SOLVE_DEADLINE = 26 * DAY;
  private static final long REOPEN_WINDOW = 84 * HOUR;
  private static final long REOPEN_DEADLINE = 5 * DAY;
  private static final long CLOSE_AFTER = 4 * DAY;
  private static final long AUTO_SOLVE = 36 * HOUR;
  private static final double SPAM = 0.005;
  private static final double NO_REPLY = 0.02;
  private static final double ON_HOLD = 0.05;
  private static final double ONE_REPLY = 0.78;
  private static final double SOLVE_WITH_REPLY = 0.45;
  private static final double WAIT_ON_CUSTOMER = 0.75;
  private static final double REOPEN = 0.075;
  private static final double REOPEN_AGAIN = 0.15;
  private static final double RATED = 0.35;
  private static final double CES_ASKED = 0.15;

  private final SplittableRandom r;
  private final WorkCalendar cal;
  private final String id;
  private final long created;

  /** {@link #created} as an instant, one object shared by every version of the ticket. */
  private final Instant createdAt;

  private final double speedup;
  private final Catalog.Group group;
  private final int channel;
  private final int priority;
  private final Catalog.Subject subject;
  private final History.Builder versions = new History.Builder(Feed.TICKETS);

  private long now;
  private TicketStatus status = TicketStatus.NEW;
  private Instant firstReplyAt;
  private Instant solvedAt;
  private String assignee;
  private int replies;
  private int reopens;
  private boolean escalated;
  private long firstReplyNormal = -1;
  private long lastSolve;
  private long deadline;

  /** Requester wait so far (new, open, on hold), and the status and time of the last version. */
  private long waitCalendar;

  private long waitBusiness;
  private TicketStatus emittedStatus;
  private long emittedAt;

  private TicketLife(
      SplittableRandom r, WorkCalendar cal, String id, long created, double speedup, boolean spam) {
    this.r = r;
    this.cal = cal;
    this.id = id;
    this.created = created;
    this.createdAt = Instant.ofEpochMilli(created);
    this.speedup = speedup;
    this.group = Catalog.GROUPS.get(Rng.weighted(r, Catalog.GROUP_WEIGHTS));
    this.channel = Rng.weighted(r, group.channelWeights());
    this.priority = spam ? 1 : Rng.weighted(r, Catalog.PRIORITY_WEIGHTS);
    List<Catalog.Subject> subjects = spam ? Catalog.SPAM : group.subjects();
    this.subject = subjects.get(r.nextInt(subjects.size()));
  }

  /**
   * Draws ticket {@code id} created at {@code created} and adds its history (and those of its
   * rating and CES answer, if any) to {@code out}.
   *
   * @param key unique per ticket; seeds all of its draws
   * @param speedup 1 for history; the live speedup for tickets created after the origin
   */
  static void draw(
      long seed,
      long key,
      String id,
      long created,
      double speedup,
      WorkCalendar cal,
      List<History> out) {
    SplittableRandom r = Rng.of(seed, Rng.TICKET, key);
    boolean spam = Rng.chance(r, SPAM);
    TicketLife life = new TicketLife(r, cal, id, created, speedup, spam);
    if (spam) {
      life.spam(out);
    } else {
      life.lifecycle(out);
    }
  }

  private void spam(List<History> out) {
    at(created);
    emit();
    at(created + Rng.uniformMillis(r, 20 * MINUTE, 6 * HOUR));
    versions.add(now, new Deleted(id, Instant.ofEpochMilli(now)));
    out.add(versions.build());
  }

  private void lifecycle(List<History> out) {
    at(created);
    emit();
    deadline = created + FIRST_SOLVE_DEADLINE;
    if (Rng.chance(r, NO_REPLY)) {
      // a duplicate or a customer who found the answer; a few are simply forgotten for days
      long work = Rng.chance(r, 0.7) ? 3 * HOUR : 45 * HOUR;
      solve(cal.plusWorking(created, Rng.lognormalMillis(r, work, 0.8)));
    } else {
      double escalation = Catalog.PRIORITY_ESCALATION[priority] * group.escalationFactor();
      boolean escalate = Rng.chance(r, escalation);
      boolean hold = Rng.chance(r, ON_HOLD);
      boolean more = escalate || hold || !Rng.chance(r, ONE_REPLY);
      int n = more ? 2 + Rng.geometric(r, 0.55) : 1;
      int escalateAfter = escalate ? 1 + r.nextInt(n - 1) : 0;
      int holdAfter = hold ? 1 + r.nextInt(n - 1) : 0;
      double median =
          Catalog.FIRST_REPLY_MEDIAN[channel]
              * group.replyFactor()
              * Catalog.PRIORITY_REPLY[priority];
      long first = cal.plusWorking(created, Rng.lognormalMillis(r, median, 1.0));
      conversation(first, n, escalateAfter, holdAfter);
    }
    double reopen = REOPEN * (escalated ? 1.5 : 1.0);
    for (int k = 0; k < 2 && Rng.chance(r, k == 0 ? reopen : REOPEN_AGAIN); k++) {
      long t = lastSolve + Math.min(Rng.lognormalMillis(r, 18 * HOUR, 1.0), REOPEN_WINDOW);
      at(t);
      status = TicketStatus.OPEN;
      reopens++;
      solvedAt = null;
      emit();
      deadline = t + REOPEN_DEADLINE;
      conversation(cal.plusWorking(t, gap(90 * MINUTE)), Rng.chance(r, 0.35) ? 2 : 1, 0, 0);
    }
    at(lastSolve + CLOSE_AFTER);
    status = TicketStatus.CLOSED;
    emit();
    out.add(versions.build());
    surveys(out);
  }

  /** Agent replies {@code 1..n}, the first at {@code t}, ending with the ticket solved. */
  private void conversation(long t, int n, int escalateAfter, int holdAfter) {
    for (int i = 1; ; i++) {
      if (t > deadline) {
        solve(deadline); // the team closes a ticket that has dragged on too long
        return;
      }
      boolean last = i == n;
      at(t);
      replies++;
      if (firstReplyAt == null) {
        firstReplyAt = Instant.ofEpochMilli(now);
        firstReplyNormal = t;
      }
      if (assignee == null) {
        assignee = agent();
      }
      if (last && Rng.chance(r, SOLVE_WITH_REPLY)) {
        solve(t);
        return;
      }
      if (i == holdAfter) {
        status = TicketStatus.ON_HOLD;
      } else {
        boolean waits = last || Rng.chance(r, WAIT_ON_CUSTOMER);
        status = waits ? TicketStatus.PENDING : TicketStatus.OPEN;
      }
      emit();
      if (i == escalateAfter) {
        t = cal.plusWorking(t, Rng.lognormalMillis(r, HOUR, 1.0));
        if (t > deadline) {
          solve(deadline);
          return;
        }
        at(t);
        escalated = true;
        assignee = group.agents().get(0);
        if (status != TicketStatus.ON_HOLD) {
          status = TicketStatus.OPEN;
        }
        emit();
      }
      if (last) {
        awaitSolve(t);
        return;
      }
      t = awaitNextReply(t);
    }
  }

  /** Between two agent replies: the customer answers, or a hold ends, then the agent works. */
  private long awaitNextReply(long t) {
    long resumed = t;
    if (status == TicketStatus.PENDING) {
      resumed = t + customerDelay();
    } else if (status == TicketStatus.ON_HOLD) {
      resumed = t + Rng.lognormalMillis(r, 30 * HOUR, 0.8);
    }
    if (resumed > deadline) {
      return resumed;
    }
    if (resumed != t) {
      at(resumed);
      status = TicketStatus.OPEN;
      emit();
    }
    return cal.plusWorking(resumed, gap(2 * HOUR));
  }

  /** After the last reply: the customer confirms and an agent solves, or automation does. */
  private void awaitSolve(long t) {
    if (Rng.chance(r, Catalog.PRIORITY_CONFIRMS[priority])) {
      long answered = t + customerDelay();
      if (answered > deadline) {
        solve(deadline);
        return;
      }
      at(answered);
      status = TicketStatus.OPEN;
      emit();
      solve(cal.plusWorking(answered, gap(40 * MINUTE)));
    } else {
      solve(t + AUTO_SOLVE + Rng.uniformMillis(r, 0, 8 * HOUR));
    }
  }

  private void solve(long t) {
    long at = Math.min(t, deadline);
    at(at);
    status = TicketStatus.SOLVED;
    solvedAt = Instant.ofEpochMilli(now);
    lastSolve = at;
    if (assignee == null) {
      assignee = agent();
    }
    emit();
  }

  /** The CSAT rating and the CES answer some customers give after the last solve. */
  private void surveys(List<History> out) {
    long resolution = lastSolve - created;
    long firstReply = firstReplyNormal < 0 ? -1 : firstReplyNormal - created;
    if (Rng.chance(r, RATED)) {
      long t = lastSolve + HOUR + Math.min(Rng.lognormalMillis(r, 5 * HOUR, 1.0), 46 * HOUR);
      double score = Feedback.csat(r, reopens, escalated, resolution, firstReply);
      out.add(survey("r-" + id, SurveyKind.CSAT, score, 1, 5, warp(t)));
    }
    if (Rng.chance(r, CES_ASKED)) {
      long t = lastSolve + 2 * HOUR + Math.min(Rng.lognormalMillis(r, 8 * HOUR, 1.0), 56 * HOUR);
      double score = Feedback.ces(r, reopens, escalated, resolution);
      out.add(survey("ces-" + id, SurveyKind.CES, score, 1, 7, warp(t)));
    }
  }

  private History survey(String sid, SurveyKind kind, double score, int min, int max, long t) {
    Instant at = Instant.ofEpochMilli(t);
    Feed feed = kind == SurveyKind.CSAT ? Feed.SATISFACTION_RATINGS : Feed.SURVEYS;
    SurveyResponse s =
        new SurveyResponse(
            sid,
            at,
            kind,
            score,
            min,
            max,
            at,
            id,
            group.name(),
            Catalog.priority(priority),
            Catalog.CHANNELS.get(channel));
    return new History.Builder(feed).add(t, s).build();
  }

  private long gap(long median) {
    double f = group.workFactor() * Catalog.PRIORITY_WORK[priority] * (escalated ? 2.5 : 1.0);
    return Rng.lognormalMillis(r, median * f, 1.0);
  }

  private long customerDelay() {
    double pace = Catalog.CUSTOMER_PACE[channel] * Catalog.PRIORITY_CUSTOMER_PACE[priority];
    return Math.min(Rng.lognormalMillis(r, 4 * HOUR * pace, 1.1), 5 * DAY);
  }

  private String agent() {
    return group.agents().get(r.nextInt(group.agents().size()));
  }

  /** Moves the ticket's clock to {@code normal} (warped for live tickets). */
  private void at(long normal) {
    now = warp(normal);
  }

  private long warp(long normal) {
    return speedup == 1 ? normal : created + (long) ((normal - created) / speedup);
  }

  /** Records the ticket as it is now. */
  private void emit() {
    if (emittedStatus != null && emittedStatus.isOpen() && emittedStatus != TicketStatus.PENDING) {
      waitCalendar += now - emittedAt;
      waitBusiness += cal.workingMillis(emittedAt, now);
    }
    emittedStatus = status;
    emittedAt = now;
    Instant updated = Instant.ofEpochMilli(now);
    versions.add(
        now,
        new Ticket(
            id,
            createdAt,
            updated,
            status,
            Catalog.priority(priority),
            Catalog.CHANNELS.get(channel),
            group.name(),
            assignee,
            Catalog.agentId(assignee),
            subject.text(),
            firstReplyAt,
            null,
            null,
            solvedAt,
            null,
            null,
            solvedAt == null ? null : Duration.ofMillis(waitCalendar),
            solvedAt == null ? null : Duration.ofMillis(waitBusiness),
            reopens,
            replies,
            escalated,
            List.of(),
            subject.tags()));
  }
}
