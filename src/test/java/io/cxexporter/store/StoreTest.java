package io.cxexporter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.connector.Page;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  static final Instant T = Instant.parse("2026-11-18T10:00:00Z");
  @TempDir Path dir;

  static Ticket ticket(String id, Instant updated, TicketStatus status) {
    return Ticket.builder(id)
        .createdAt(T)
        .updatedAt(updated)
        .status(status)
        .group("Billing")
        .build();
  }

  static List<Change> apply(Store s, String source, String stream, Page p) {
    return s.apply(source, stream, p.records(), p.next(), p.caughtUp());
  }

  static Page page(String next, boolean caughtUp, Record... records) {
    return new Page(List.of(records), new Cursor(next), caughtUp, null);
  }

  List<Record> all(Store s) {
    List<Record> out = new ArrayList<>();
    s.forEach("zd", (stream, r) -> out.add(r));
    return out;
  }

  @Test
  void commitsRecordsAndCursorAndReturnsTheChanges() {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      Ticket a = ticket("1", T, TicketStatus.OPEN);
      List<Change> c = apply(s, "zd", "tickets", page("c1", false, a));

      assertThat(c).containsExactly(new Change("tickets", null, a));
      assertThat(s.state("zd", "tickets").cursor()).isEqualTo(new Cursor("c1"));
      assertThat(s.state("zd", "tickets").backfillDone()).isFalse();
      assertThat(s.state("zd", "other")).isEqualTo(StreamState.NEW);
    }
  }

  @Test
  void recordsRoundTripWithEveryField() {
    Ticket full =
        ticket("1", T, TicketStatus.SOLVED).toBuilder()
            .firstReplyAt(T.plusSeconds(60))
            .firstReplyBusiness(Duration.ofSeconds(30))
            .solvedAt(T.plusSeconds(600))
            .agentReplies(2)
            .reopens(1)
            .escalated(true)
            .sla(
                List.of(
                    new SlaStatus(
                        SlaTarget.RESOLUTION, T.plusSeconds(3600), T.plusSeconds(600), false)))
            .tags(List.of("vip"))
            .build();
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      apply(s, "zd", "tickets", page("c1", true, full));
    }
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      assertThat(all(s)).containsExactly(full);
      assertThat(s.state("zd", "tickets").backfillDone()).isTrue();
    }
  }

  @Test
  void aRecordSeenTwiceIsOneChangeAndAnOlderVersionNeverWins() {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      Ticket v1 = ticket("1", T, TicketStatus.OPEN);
      Ticket v2 = ticket("1", T.plusSeconds(60), TicketStatus.SOLVED);
      List<Change> c = apply(s, "zd", "tickets", page("c1", false, v1, v2, v1));

      assertThat(c).containsExactly(new Change("tickets", null, v1), new Change("tickets", v1, v2));
      assertThat(apply(s, "zd", "tickets", page("c2", false, v2))).isEmpty();
      assertThat(all(s)).containsExactly(v2);
    }
  }

  @Test
  void aTombstoneReplacesTheRecordAndAnOlderVersionCannotResurrectIt() {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      Ticket v1 = ticket("1", T, TicketStatus.OPEN);
      apply(s, "zd", "tickets", page("c1", false, v1));
      Deleted d = new Deleted("1", T.plusSeconds(10));
      assertThat(apply(s, "zd", "tickets", page("c2", false, d)))
          .containsExactly(new Change("tickets", v1, d));
      assertThat(apply(s, "zd", "tickets", page("c3", false, v1))).isEmpty();
      assertThat(all(s)).containsExactly(d);
    }
  }

  @Test
  void aFailedPageKeepsNeitherItsRecordsNorItsCursor() {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      apply(s, "zd", "tickets", page("c1", false, ticket("1", T, TicketStatus.OPEN)));
      s.beforeCommit(
          () -> {
            throw new IllegalStateException("simulated crash before commit");
          });

      assertThatThrownBy(
              () -> apply(s, "zd", "tickets", page("c2", false, ticket("2", T, TicketStatus.OPEN))))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("simulated crash");

      s.beforeCommit(() -> {});
      assertThat(s.state("zd", "tickets").cursor()).isEqualTo(new Cursor("c1"));
      assertThat(all(s)).extracting(Record::id).containsExactly("1");
      assertThat(s.count("zd")).isEqualTo(1);
    }
  }

  @Test
  void sourcesAndStreamsAreKeptApart() {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      apply(s, "zd", "tickets", page("a", false, ticket("1", T, TicketStatus.OPEN)));
      apply(s, "fd", "tickets", page("b", false, ticket("1", T, TicketStatus.SOLVED)));
      apply(s, "zd", "deals", page("c", false, ticket("1", T, TicketStatus.CLOSED)));

      assertThat(s.count("zd")).isEqualTo(2);
      assertThat(s.count("fd")).isEqualTo(1);
      assertThat(s.has("zd")).isTrue();
      assertThat(s.has("fd")).isTrue();
      assertThat(s.has("hs")).isFalse();
      assertThat(s.state("fd", "tickets").cursor().value()).isEqualTo("b");
    }
  }

  @Test
  void severalSourcesAreReadSourceBySourceInTheOrderGiven() {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      // more than a chunk of 1,000 rows in one source, none in another
      List<Record> many = new ArrayList<>();
      for (int i = 0; i < 2_500; i++) {
        many.add(ticket("z" + i, T, TicketStatus.OPEN));
      }
      s.apply("zd", "tickets", many, new Cursor("a"), false);
      apply(s, "fd", "tickets", page("b", false, ticket("1", T, TicketStatus.SOLVED)));
      apply(s, "fd", "deals", page("c", false, ticket("2", T, TicketStatus.CLOSED)));
      List<String> seen = new ArrayList<>();
      String[] current = {null};

      s.forEach(
          List.of("fd", "empty", "zd"),
          new Store.Sources() {
            @Override
            public void begin(String source) {
              current[0] = source;
              seen.add("begin " + source);
            }

            @Override
            public void record(String stream, Record r) {
              seen.add(current[0] + "/" + stream);
            }
          });

      List<String> expected = new ArrayList<>(List.of("begin fd"));
      expected.addAll(List.of("fd/deals", "fd/tickets"));
      expected.add("begin empty");
      expected.add("begin zd");
      for (int i = 0; i < 2_500; i++) {
        expected.add("zd/tickets");
      }
      assertThat(seen).isEqualTo(expected);
    }
  }

  @Test
  void aFailingActionStopsReadingSeveralSourcesAndLeavesTheStoreUsable() {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      apply(s, "fd", "tickets", page("b", false, ticket("1", T, TicketStatus.SOLVED)));
      apply(s, "zd", "tickets", page("a", false, ticket("2", T, TicketStatus.OPEN)));
      List<String> begun = new ArrayList<>();

      assertThatThrownBy(
              () ->
                  s.forEach(
                      List.of("fd", "zd"),
                      new Store.Sources() {
                        @Override
                        public void begin(String source) {
                          begun.add(source);
                        }

                        @Override
                        public void record(String stream, Record r) {
                          throw new IllegalStateException("boom");
                        }
                      }))
          .hasMessage("boom");
      assertThat(begun).containsExactly("fd");
      assertThat(all(s)).extracting(Record::id).containsExactly("2");
    }
  }
}
