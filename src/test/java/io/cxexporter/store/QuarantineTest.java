package io.cxexporter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.TicketStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records a connector could not map, kept in the state file's {@code rejected} table. */
class QuarantineTest {
  static final Instant T1 = Instant.parse("2026-12-01T08:00:00Z");
  static final Instant T2 = Instant.parse("2026-12-01T09:00:00Z");
  @TempDir Path dir;

  static Quarantine.Rejection bad(String id, String reason) {
    return new Quarantine.Rejection(id, reason);
  }

  static void apply(Store s, List<Record> records, Quarantine.Rejection... rejected) {
    s.apply("zd", "tickets", records, List.of(rejected), new Cursor("c"), false);
  }

  @Test
  void aRejectedRecordIsKeptOnceWithItsLatestReasonAndHowOftenItWasSeen() {
    try (Store s = Store.open(dir, Clock.fixed(T1, ZoneOffset.UTC))) {
      apply(s, List.of(), bad("7", "created_at: bad time \"yesterday\""), bad("8", "id: null"));
    }
    try (Store s = Store.open(dir, Clock.fixed(T2, ZoneOffset.UTC))) {
      apply(s, List.of(), bad("7", "created_at: null"));

      Quarantine q = s.rejected("zd", 10);

      assertThat(q.total()).isEqualTo(2);
      assertThat(q.newest())
          .containsExactly(
              new Quarantine.Entry("tickets", "7", "created_at: null", T1, T2, 2),
              new Quarantine.Entry("tickets", "8", "id: null", T1, T1, 1));
      assertThat(s.rejected("other", 10)).isEqualTo(Quarantine.EMPTY);
    }
  }

  @Test
  void aRecordReadFineLaterLeavesTheQuarantine() {
    try (Store s = Store.open(dir, Clock.fixed(T1, ZoneOffset.UTC))) {
      apply(s, List.of(), bad("7", "id: null"), bad("8", "id: null"));

      apply(s, List.of(StoreTest.ticket("7", StoreTest.T, TicketStatus.OPEN)));

      assertThat(s.rejected("zd", 10).newest())
          .extracting(Quarantine.Entry::id)
          .containsExactly("8");
    }
  }

  @Test
  void theNewestRowsPerSourceAreKept() {
    try (Store s = Store.open(dir, Clock.fixed(T1, ZoneOffset.UTC))) {
      apply(
          s,
          List.of(),
          IntStream.range(0, Quarantine.MAX_PER_SOURCE)
              .mapToObj(i -> bad("old" + i, "r"))
              .toArray(Quarantine.Rejection[]::new));
    }
    try (Store s = Store.open(dir, Clock.fixed(T2, ZoneOffset.UTC))) {
      apply(s, List.of(), bad("new1", "r"), bad("new2", "r"));

      Quarantine q = s.rejected("zd", 3);

      assertThat(q.total()).isEqualTo(Quarantine.MAX_PER_SOURCE);
      assertThat(q.newest())
          .extracting(Quarantine.Entry::id)
          .containsExactly("new2", "new1", "old999");
      assertThat(s.rejected("zd", 2000).newest())
          .extracting(Quarantine.Entry::id)
          .doesNotContain("old0", "old1")
          .contains("old2");
    }
  }
}
