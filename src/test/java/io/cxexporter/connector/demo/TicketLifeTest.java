package io.cxexporter.connector.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lifecycle of single tickets, drawn directly. */
class TicketLifeTest {
  static final long CREATED_FROM = DemoFixtures.NOW.toEpochMilli() - 60 * Rng.DAY;
  final WorkCalendar cal = new WorkCalendar(ZoneId.of("Europe/Ljubljana"));

  /** Tickets 0..n-1 created at random instants over 60 days; histories of all streams. */
  List<History> draw(int n, double speedup) {
    SplittableRandom r = new SplittableRandom(1);
    List<History> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long created = CREATED_FROM + (long) (r.nextDouble() * 60 * Rng.DAY);
      TicketLife.draw(42, i, Integer.toString(i), created, speedup, cal, out);
    }
    return out;
  }

  @Test
  void everyEventLiesWithinTheMaximumLifetime() {
    List<History> tickets = draw(20_000, 1).stream().filter(h -> h.feed() == Feed.TICKETS).toList();

    for (History h : tickets) {
      assertThat(h.time(h.size() - 1) - h.time(0)).isLessThanOrEqualTo(TicketLife.MAX_LIFETIME);
    }
  }

  @Test
  void surveysFollowWithinTheMaximumLifetimeToo() {
    List<History> all = draw(5_000, 1);
    java.util.Map<String, Long> createdAt = new java.util.HashMap<>();
    for (History h : all) {
      if (h.feed() == Feed.TICKETS) {
        createdAt.put(h.version(0).id(), h.time(0));
      }
    }
    for (History h : all) {
      if (h.feed() != Feed.TICKETS) {
        String ticket = ((io.cxexporter.model.SurveyResponse) h.version(0)).ticketId();
        assertThat(h.time(0) - createdAt.get(ticket)).isLessThan(TicketLife.MAX_LIFETIME);
      }
    }
  }

  @Test
  void agentsReplyOnlyInWorkingHours() {
    for (History h : draw(5_000, 1)) {
      Record last = h.version(h.size() - 1);
      if (last instanceof Ticket t && t.firstReplyAt() != null) {
        assertThat(cal.isWorking(t.firstReplyAt().toEpochMilli()))
            .as(t.id() + " replied at " + t.firstReplyAt())
            .isTrue();
      }
    }
  }

  @Test
  void aSolvedVersionCarriesTheTimeSpentNewOpenOrOnHoldAndNoneWhileOpen() {
    int solved = 0;
    for (History h : draw(1_000, 1)) {
      long wait = 0;
      long working = 0;
      Ticket prev = null;
      for (int i = 0; i < h.size(); i++) {
        if (!(h.version(i) instanceof Ticket t)) {
          continue;
        }
        if (prev != null
            && prev.isOpen()
            && prev.status() != io.cxexporter.model.TicketStatus.PENDING) {
          long from = prev.updatedAt().toEpochMilli();
          long to = t.updatedAt().toEpochMilli();
          wait += to - from;
          // counted the slow way, minute by minute: working hours change only on whole minutes
          long m = Math.min(to, Math.floorDiv(from + Rng.MINUTE - 1, Rng.MINUTE) * Rng.MINUTE);
          working += cal.isWorking(from) ? m - from : 0;
          for (; m < to; m += Rng.MINUTE) {
            working += cal.isWorking(m) ? Math.min(Rng.MINUTE, to - m) : 0;
          }
        }
        if (t.isOpen()) {
          assertThat(t.requesterWaitCalendar()).as(t.id()).isNull();
          assertThat(t.requesterWaitBusiness()).as(t.id()).isNull();
        } else {
          solved++;
          assertThat(t.requesterWaitCalendar().toMillis()).as(t.id()).isEqualTo(wait);
          assertThat(t.requesterWaitBusiness().toMillis()).as(t.id()).isEqualTo(working);
        }
        prev = t;
      }
    }
    assertThat(solved).isGreaterThan(700);
  }

  @Test
  void spamIsDeletedWithinHoursOfCreation() {
    List<History> deleted =
        draw(20_000, 1).stream().filter(h -> h.version(h.size() - 1) instanceof Deleted).toList();

    assertThat(deleted).hasSizeBetween(40, 200); // ~0.5 %
    for (History h : deleted) {
      assertThat(h.time(h.size() - 1) - h.time(0)).isBetween(20 * Rng.MINUTE, 6 * Rng.HOUR);
    }
  }

  @Test
  void aSpedUpTicketLivesTheSameLifeFaster() {
    List<History> normal = draw(300, 1).stream().filter(h -> h.feed() == Feed.TICKETS).toList();
    List<History> fast = draw(300, 10).stream().filter(h -> h.feed() == Feed.TICKETS).toList();

    assertThat(fast).hasSameSizeAs(normal);
    for (int i = 0; i < normal.size(); i++) {
      History n = normal.get(i);
      History f = fast.get(i);
      long created = n.time(0);
      assertThat(f.time(0)).isEqualTo(created);
      assertThat(f.time(f.size() - 1) - created)
          .isBetween(
              (n.time(n.size() - 1) - created) / 10 - 1, (n.time(n.size() - 1) - created) / 10 + 1);
    }
  }

  @Test
  void theSameNumberAlwaysGivesTheSameTicket() {
    List<History> a = new ArrayList<>();
    List<History> b = new ArrayList<>();
    TicketLife.draw(42, 123, "123", CREATED_FROM, 1, cal, a);
    TicketLife.draw(
        42, 123, "123", CREATED_FROM, 1, new WorkCalendar(ZoneId.of("Europe/Ljubljana")), b);

    assertThat(a.get(0).version(a.get(0).size() - 1))
        .isEqualTo(b.get(0).version(b.get(0).size() - 1));
  }
}
