package io.cxexporter.connector.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every delivered version is internally consistent and none is from the future. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoConsistencyTest {
  DefaultBackfill demo;

  @BeforeAll
  void read() {
    demo = DefaultBackfill.read();
  }

  @Test
  void noRecordOfAnyStreamIsNewerThanNowOrOlderThanTheBackfill() {
    for (String s : DemoDeterminismTest.STREAMS) {
      assertThat(demo.all(s))
          .as(s)
          .isNotEmpty()
          .allMatch(r -> !r.updatedAt().isAfter(demo.now) && r.updatedAt().isAfter(demo.start));
    }
  }

  @Test
  void everyTicketVersionHasItsTimestampsInOrder() {
    for (Record r : demo.all("tickets")) {
      if (r instanceof Ticket t) {
        assertThat(t.createdAt()).as(t.id()).isBeforeOrEqualTo(t.updatedAt());
        if (t.firstReplyAt() != null) {
          assertThat(t.firstReplyAt()).as(t.id()).isAfterOrEqualTo(t.createdAt());
          assertThat(t.firstReplyAt()).as(t.id()).isBeforeOrEqualTo(t.updatedAt());
        }
        if (t.solvedAt() != null) {
          assertThat(t.solvedAt()).as(t.id()).isAfterOrEqualTo(t.createdAt());
          assertThat(t.solvedAt()).as(t.id()).isBeforeOrEqualTo(t.updatedAt());
          if (t.firstReplyAt() != null) {
            assertThat(t.solvedAt()).as(t.id()).isAfterOrEqualTo(t.firstReplyAt());
          }
        }
      }
    }
  }

  @Test
  void everyTicketVersionsStatusMatchesItsFields() {
    for (Record r : demo.all("tickets")) {
      if (r instanceof Ticket t) {
        assertThat(t.solvedAt() != null).as(t.id() + " " + t.status()).isEqualTo(!t.isOpen());
        assertThat(t.firstReplyAt() != null).as(t.id()).isEqualTo(t.agentReplies() > 0);
        if (t.status() == TicketStatus.NEW) {
          assertThat(t.agentReplies()).as(t.id()).isZero();
        }
        if (t.firstReplyAt() != null || !t.isOpen()) {
          assertThat(t.assignee()).as(t.id()).isNotNull();
        }
        if (t.status() == TicketStatus.CLOSED) {
          assertThat(t.updatedAt()).isEqualTo(t.solvedAt().plus(Duration.ofDays(4)));
        }
      }
    }
  }

  @Test
  void ticketsLeaveVendorDurationsAndSlaEmpty() {
    assertThat(demo.tickets())
        .allMatch(
            t ->
                t.firstReplyCalendar() == null
                    && t.firstReplyBusiness() == null
                    && t.resolutionCalendar() == null
                    && t.resolutionBusiness() == null
                    && t.sla().isEmpty());
  }

  @Test
  void aTicketNeverGoesBackInTimeOrLosesProgress() {
    Map<String, Ticket> last = new HashMap<>();
    for (Record r : demo.all("tickets")) {
      if (r instanceof Ticket t) {
        Ticket before = last.put(t.id(), t);
        if (before != null) {
          assertThat(t.updatedAt()).as(t.id()).isAfter(before.updatedAt());
          assertThat(t.agentReplies()).as(t.id()).isGreaterThanOrEqualTo(before.agentReplies());
          assertThat(t.reopens()).as(t.id()).isGreaterThanOrEqualTo(before.reopens());
          assertThat(t.escalated() || !before.escalated()).as(t.id()).isTrue();
          assertThat(t.createdAt()).isEqualTo(before.createdAt());
        }
      }
    }
  }

  @Test
  void aDeletedTicketNeverAppearsAgain() {
    Set<String> deleted = new HashSet<>();
    for (Record r : demo.all("tickets")) {
      if (r instanceof Deleted d) {
        deleted.add(d.id());
      } else {
        assertThat(deleted).doesNotContain(r.id());
      }
    }
    assertThat(deleted).isNotEmpty();
  }

  @Test
  void surveysAnswerAfterTheSolveOfTheirTicket() {
    Map<String, Ticket> tickets = new HashMap<>();
    demo.tickets().forEach(t -> tickets.put(t.id(), t));
    for (String s : List.of("satisfaction_ratings", "surveys")) {
      for (SurveyResponse r : demo.surveys(s)) {
        assertThat(r.respondedAt()).isEqualTo(r.updatedAt());
        if (r.kind() != SurveyKind.NPS) {
          Ticket t = tickets.get(r.ticketId());
          assertThat(t).as(r.id()).isNotNull();
          assertThat(t.solvedAt()).as(r.id()).isNotNull().isBefore(r.respondedAt());
          if (r.kind() == SurveyKind.CSAT) {
            assertThat(Duration.between(t.solvedAt(), r.respondedAt()))
                .as(r.id())
                .isBetween(Duration.ofHours(1), Duration.ofHours(48));
          }
          assertThat(r.group()).isEqualTo(t.group());
          assertThat(r.priority()).isEqualTo(t.priority());
          assertThat(r.channel()).isEqualTo(t.channel());
        }
      }
    }
  }

  @Test
  void ratingsAreCsatOnOneToFiveLinkedToTheirTicket() {
    assertThat(demo.surveys("satisfaction_ratings"))
        .allMatch(
            r ->
                r.kind() == SurveyKind.CSAT
                    && r.scaleMin() == 1
                    && r.scaleMax() == 5
                    && r.id().equals("r-" + r.ticketId()));
  }

  @Test
  void customersChurnAfterTheyJoinAndOnlyOnce() {
    Map<String, Customer> first = new HashMap<>();
    for (Record r : demo.all("customers")) {
      Customer c = (Customer) r;
      assertThat(c.since()).isBeforeOrEqualTo(c.updatedAt());
      if (c.churnedAt() != null) {
        assertThat(c.churnedAt()).isEqualTo(c.updatedAt()).isAfter(c.since());
      }
      Customer before = first.putIfAbsent(c.id(), c);
      if (before != null) {
        assertThat(before.churnedAt()).isNull();
        assertThat(c.since()).isEqualTo(before.since());
      }
    }
  }

  @Test
  void dealsAreClosedOnlyOnceAndAfterTheyWereCreated() {
    for (Record r : demo.all("deals")) {
      Deal d = (Deal) r;
      assertThat(d.closedAt() == null).isEqualTo(d.stage() == DealStage.OPEN);
      if (d.closedAt() != null) {
        assertThat(d.closedAt()).isAfter(d.createdAt()).isEqualTo(d.updatedAt());
      } else {
        assertThat(d.createdAt()).isEqualTo(d.updatedAt());
      }
    }
  }
}
