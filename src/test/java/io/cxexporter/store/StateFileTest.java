package io.cxexporter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Opening the state file: damaged files, a killed process's WAL, schema versions. */
class StateFileTest {
  static final Instant NOW = Instant.parse("2026-12-01T08:25:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String ASIDE = "cx.db.corrupt-20261201T082500Z";
  @TempDir Path dir;

  static Ticket ticket(String id) {
    return StoreTest.ticket(id, StoreTest.T, TicketStatus.OPEN);
  }

  List<Record> all(Store s) {
    List<Record> out = new ArrayList<>();
    s.forEach("zd", (stream, r) -> out.add(r));
    return out;
  }

  /** A state with two tickets and a cursor, closed. */
  void healthyState(Path at) {
    try (Store s = Store.open(at, CLOCK)) {
      s.apply("zd", "tickets", List.of(ticket("1"), ticket("2")), new Cursor("c1"), false);
    }
  }

  @Test
  void garbageBytesAreMovedAsideWithTheirCompanionsAndTheStateStartsEmpty() throws Exception {
    byte[] garbage = "not a database, just some bytes ".repeat(40).getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("cx.db"), garbage);
    // a -wal would be read (and dropped) by SQLite itself; a -shm beside it is only moved
    Files.write(dir.resolve("cx.db-shm"), garbage);

    try (Store s = Store.open(dir, CLOCK)) {
      assertThat(s.reset())
          .isEqualTo(
              "state file "
                  + dir.resolve("cx.db")
                  + " is damaged ([SQLITE_NOTADB] File opened that is not a database file (file is"
                  + " not a database)): moved aside to "
                  + dir.resolve(ASIDE)
                  + " and started empty; every connector re-syncs from its start");
      assertThat(s.count("zd")).isZero();
      assertThat(s.state("zd", "tickets")).isEqualTo(StreamState.NEW);
      s.apply("zd", "tickets", List.of(ticket("1")), new Cursor("c1"), false);
      assertThat(s.count("zd")).isEqualTo(1);
    }
    assertThat(Files.readAllBytes(dir.resolve(ASIDE))).isEqualTo(garbage);
    assertThat(Files.readAllBytes(dir.resolve(ASIDE + "-shm"))).isEqualTo(garbage);
  }

  @Test
  void aTruncatedFileIsMovedAside() throws Exception {
    healthyState(dir);
    Path file = dir.resolve("cx.db");
    try (Store s = Store.open(dir, CLOCK)) {
      // enough records for several pages, then everything into the main file
      List<Record> many = IntStream.range(0, 3000).mapToObj(i -> (Record) ticket("t" + i)).toList();
      s.apply("zd", "tickets", many, new Cursor("c2"), false);
      try (Statement st = s.connection().createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));

    try (Store s = Store.open(dir, CLOCK)) {
      assertThat(s.reset()).contains("is damaged (").contains(dir.resolve(ASIDE).toString());
      assertThat(s.count("zd")).isZero();
    }
    assertThat(Files.size(dir.resolve(ASIDE))).isEqualTo(whole.length / 2);
  }

  @Test
  void aFileOfANewerSchemaIsDamagedAndSaysWhy() throws Exception {
    healthyState(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cx.db"));
        Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version=" + (StateFile.VERSION + 1));
    }

    try (Store s = Store.open(dir, CLOCK)) {
      assertThat(s.reset())
          .contains(
              "(schema version "
                  + (StateFile.VERSION + 1)
                  + " is newer than this cx-exporter ("
                  + StateFile.VERSION
                  + "))");
      assertThat(s.count("zd")).isZero();
    }
  }

  @Test
  void refuseFailsWithOneLineAndLeavesTheFile() throws Exception {
    byte[] garbage = "garbage ".repeat(200).getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("cx.db"), garbage);

    assertThatThrownBy(() -> Store.open(dir, CLOCK, OnCorruption.REFUSE))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "state file "
                + dir.resolve("cx.db")
                + " is damaged ([SQLITE_NOTADB] File opened that is not a database file (file is"
                + " not a database)); state.on_corruption is refuse, so cx-exporter does not start:"
                + " move the file aside (it is a cache) to re-sync");
    assertThat(Files.readAllBytes(dir.resolve("cx.db"))).isEqualTo(garbage);
    assertThat(dir.resolve(ASIDE)).doesNotExist();
  }

  /**
   * A kill -9 leaves the last pages in {@code cx.db-wal}, not yet in the main file: the copies
   * taken while the store is open are exactly what the killed process leaves on disk.
   */
  @Test
  void aHealthyFileWithTheWalOfAKilledProcessIsAccepted() throws Exception {
    Path killed = dir.resolve("killed");
    Files.createDirectories(killed);
    try (Store s = Store.open(dir.resolve("live"), CLOCK)) {
      s.apply("zd", "tickets", List.of(ticket("1"), ticket("2")), new Cursor("c1"), true);
      for (String f : new String[] {"cx.db", "cx.db-wal", "cx.db-shm"}) {
        Files.copy(dir.resolve("live").resolve(f), killed.resolve(f));
      }
    }
    assertThat(Files.size(killed.resolve("cx.db-wal"))).isPositive();

    try (Store s = Store.open(killed, CLOCK)) {
      assertThat(s.reset()).isNull();
      assertThat(all(s)).extracting(Record::id).containsExactlyInAnyOrder("1", "2");
      assertThat(s.state("zd", "tickets").cursor()).isEqualTo(new Cursor("c1"));
      assertThat(s.state("zd", "tickets").backfillDone()).isTrue();
    }
    assertThat(killed.resolve(ASIDE)).doesNotExist();
  }

  static IntStream previousVersions() {
    return IntStream.range(0, StateFile.VERSION);
  }

  /**
   * The file of each earlier schema version, built as that release wrote it (version 0: the DDL of
   * the releases before versioning, verbatim), opens with its data and ends at the current version.
   */
  @ParameterizedTest(name = "from schema version {0}")
  @MethodSource("previousVersions")
  void aFileOfAnEarlierSchemaIsMigratedKeepingItsData(int version) throws Exception {
    Ticket t = ticket("42");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cx.db"));
        Statement st = c.createStatement()) {
      if (version == 0) {
        st.execute("PRAGMA journal_mode=WAL");
        for (String sql : RELEASE_0_DDL) {
          st.execute(sql);
        }
      } else {
        for (int v = 0; v < version; v++) {
          for (String sql : StateFile.MIGRATIONS.get(v)) {
            st.execute(sql);
          }
        }
        st.execute("PRAGMA user_version=" + version);
      }
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO records VALUES ('zd','tickets','42',?,?,?)")) {
        ps.setLong(1, t.updatedAt().toEpochMilli());
        ps.setString(2, RecordCodec.kind(t));
        ps.setString(3, RecordCodec.encode(t));
        ps.executeUpdate();
      }
      st.execute("INSERT INTO cursors VALUES ('zd','tickets','c9',1,0)");
      st.execute(
          "INSERT INTO notifications_sent VALUES ('pager','fp1',"
              + NOW.toEpochMilli()
              + ")"); // the alerting agent's memory stays too
    }

    try (Store s = Store.open(dir, CLOCK)) {
      assertThat(s.reset()).isNull();
      assertThat(all(s)).containsExactly(t);
      assertThat(s.state("zd", "tickets").cursor()).isEqualTo(new Cursor("c9"));
      assertThat(s.state("zd", "tickets").backfillDone()).isTrue();
      assertThat(userVersion(s)).isEqualTo(StateFile.VERSION);
      assertThat(new AlertLog(s).lastSent("pager", "fp1")).contains(NOW);
      s.apply(
          "zd",
          "tickets",
          List.of(),
          List.of(new Quarantine.Rejection("7", "bad time")),
          new Cursor("c10"),
          true);
      assertThat(s.rejected("zd", 10).total()).isEqualTo(1);
    }
  }

  static int userVersion(Store s) throws SQLException {
    try (Statement st = s.connection().createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * The tables as the releases before schema versioning created them (Store and AlertLog at commit
   * 001edb2), user_version 0.
   */
  static final List<String> RELEASE_0_DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS records (source TEXT NOT NULL, stream TEXT NOT NULL,"
              + " id TEXT NOT NULL, updated_at INTEGER NOT NULL, kind TEXT NOT NULL,"
              + " body TEXT NOT NULL, PRIMARY KEY (source, stream, id)) WITHOUT ROWID",
          "CREATE TABLE IF NOT EXISTS cursors (source TEXT NOT NULL, stream TEXT NOT NULL,"
              + " cursor TEXT, backfill_done INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
              + " PRIMARY KEY (source, stream))",
          "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
          "INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')",
          "CREATE TABLE IF NOT EXISTS alert_instances (fingerprint TEXT PRIMARY KEY, rule TEXT"
              + " NOT NULL, labels TEXT NOT NULL, state TEXT NOT NULL, active_since INTEGER NOT"
              + " NULL, fired_at INTEGER, last_active INTEGER NOT NULL, value REAL)",
          "CREATE TABLE IF NOT EXISTS kpi_samples (series TEXT NOT NULL, at INTEGER NOT NULL,"
              + " value REAL NOT NULL, PRIMARY KEY (series, at)) WITHOUT ROWID",
          "CREATE TABLE IF NOT EXISTS notifications_sent (notifier TEXT NOT NULL, fingerprint"
              + " TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (notifier, fingerprint))",
          "CREATE TABLE IF NOT EXISTS reminders_sent (rule TEXT NOT NULL, source TEXT NOT NULL,"
              + " ticket TEXT NOT NULL, notifier TEXT NOT NULL, threshold TEXT NOT NULL, due"
              + " INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (rule, source, ticket,"
              + " notifier, threshold, due)) WITHOUT ROWID");

  @Test
  void aStateDirectoryUnderARegularFileIsOneClearLine() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Path state = file.resolve("state");

    assertThatThrownBy(() -> Store.open(state, CLOCK))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot create state directory " + state + ": ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aReadOnlyStateDirectoryIsOneClearLine() throws Exception {
    Path ro = Files.createDirectories(dir.resolve("ro"));
    Files.setPosixFilePermissions(
        ro, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      // as root (CI, containers) permissions do not apply; sysfs refuses new files even to root
      Path state = Files.isWritable(ro) ? Path.of("/sys") : ro;
      org.junit.jupiter.api.Assumptions.assumeTrue(
          Files.isDirectory(state), "neither a read-only directory nor /sys (not Linux)");
      assertThatThrownBy(() -> Store.open(state, CLOCK))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("state directory " + state + " is not writable: ")
          .hasMessageNotContaining("\n");
    } finally {
      Files.setPosixFilePermissions(
          ro, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
