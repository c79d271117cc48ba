package io.cxexporter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.TicketStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store during a run: a full disk, and a state file deleted under it. */
class StoreRecoveryTest {
  @TempDir Path dir;

  static List<Record> tickets(String prefix, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> (Record) StoreTest.ticket(prefix + i, StoreTest.T, TicketStatus.OPEN))
        .toList();
  }

  static long pageCount(Store s) throws Exception {
    try (Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("PRAGMA page_count")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * {@code max_page_count} at the file's size stands for a full disk (SQLITE_FULL); raising it
   * stands for space freed. Before the fix, the first SQLITE_FULL left the connection without a
   * transaction and every later commit failed with "cannot commit - no transaction is active".
   */
  @Test
  void aFullDiskFailsThePageKeepsTheCursorAndRecoversWithoutARestart() throws Exception {
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      s.apply("zd", "tickets", tickets("a", 2), new Cursor("c1"), false);
      s.limitPages(pageCount(s));
      List<Record> page = tickets("b", 2000);

      for (int attempt = 0; attempt < 2; attempt++) {
        assertThatThrownBy(() -> s.apply("zd", "tickets", page, new Cursor("c2"), false))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("SQLITE_FULL");
        assertThat(s.state("zd", "tickets").cursor()).isEqualTo(new Cursor("c1"));
        assertThat(s.count("zd")).isEqualTo(2);
      }

      s.limitPages(0); // space freed
      List<Change> changes = s.apply("zd", "tickets", page, new Cursor("c2"), false);

      assertThat(changes).hasSize(2000);
      assertThat(s.count("zd")).isEqualTo(2002);
      assertThat(s.state("zd", "tickets").cursor()).isEqualTo(new Cursor("c2"));
      assertThat(s.apply("zd", "tickets", page, new Cursor("c2"), false)).isEmpty();
    }
  }

  @Test
  void aStateFileDeletedWhileRunningIsRecreatedReportedAndTheStreamStartsOver() throws Exception {
    Path state = dir.resolve("state");
    List<String> resets = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Store s = Store.open(state, Clock.systemUTC())) {
      s.onReset(resets::add);
      s.apply("zd", "tickets", tickets("a", 2), new Cursor("c1"), false);
      try (Stream<Path> files = Files.walk(state)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      assertThat(state).doesNotExist();

      assertThatThrownBy(() -> s.apply("zd", "tickets", tickets("b", 1), new Cursor("c2"), false))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("the state file was recreated, the stream reads from its start");

      assertThat(resets).containsExactly("deleted");
      assertThat(s.lost())
          .isEqualTo(
              "state file "
                  + state.resolve("cx.db")
                  + " was deleted or replaced while running: recreated it empty; the cursors are"
                  + " gone, so every connector re-syncs from its start");
      assertThat(state.resolve("cx.db")).exists();
      assertThat(s.state("zd", "tickets")).isEqualTo(StreamState.NEW);
      assertThat(s.apply("zd", "tickets", tickets("a", 2), new Cursor("c1"), false)).hasSize(2);
      assertThat(s.count("zd")).isEqualTo(2);
      assertThat(resets).containsExactly("deleted");
    }
  }

  /**
   * A file found damaged when the connection is reopened after a failed transaction is moved aside
   * like at start, reported as {@code damaged}, and the page in hand is refused.
   */
  @Test
  void aFileFoundDamagedWhenReopenedAfterAFailureIsMovedAsideAndReported() throws Exception {
    List<String> resets = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Store s = Store.open(dir, Clock.systemUTC())) {
      s.onReset(resets::add);
      s.apply("zd", "tickets", tickets("a", 2), new Cursor("c1"), false);
      try (Statement st = s.connection().createStatement()) {
        // all in the main file: closing the connection must not write its header back
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      s.limitPages(pageCount(s));
      assertThatThrownBy(
              () -> s.apply("zd", "tickets", tickets("b", 2000), new Cursor("c2"), false))
          .hasMessageContaining("SQLITE_FULL");
      s.limitPages(0);
      try (java.nio.channels.FileChannel f =
          java.nio.channels.FileChannel.open(
              dir.resolve("cx.db"), java.nio.file.StandardOpenOption.WRITE)) {
        f.write(java.nio.ByteBuffer.wrap("garbage, not a header".getBytes()), 0);
      }

      assertThatThrownBy(() -> s.apply("zd", "tickets", tickets("b", 1), new Cursor("c2"), false))
          .hasMessageContaining("the state file was recreated");

      assertThat(resets).containsExactly("damaged");
      assertThat(s.lost()).contains(" is damaged (").contains(".corrupt-");
      assertThat(s.state("zd", "tickets")).isEqualTo(StreamState.NEW);
      assertThat(s.apply("zd", "tickets", tickets("a", 2), new Cursor("c1"), false)).hasSize(2);
    }
  }
}
