package io.cxexporter.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the state file ({@code cx.db}) of a state directory: checks that the directory is writable,
 * checks the file ({@code PRAGMA quick_check}, schema version), migrates it forward and, when it is
 * damaged, moves it aside and starts an empty one (or refuses, by {@link OnCorruption}).
 *
 * <p>The schema is versioned with {@code PRAGMA user_version}, forward only: {@link #MIGRATIONS}
 * holds one entry per version, in order, and a file of version {@code n} runs the entries after
 * {@code n}, each in its own transaction with its version stamp. Version 0 with tables is the file
 * of the releases before versioning: migration 1 creates the same tables with {@code IF NOT
 * EXISTS}, so it only stamps such a file. A version newer than this code knows is damage.
 */
final class StateFile {
  private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);

  /** The schema, one migration per version: index 0 brings version 0 to 1, and so on. */
  static final List<List<String>> MIGRATIONS =
      List.of(
          // 1: the schema of the releases before versioning (user_version 0)
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
                  + " notifier, threshold, due)) WITHOUT ROWID"),
          // 2: the quarantine of records a connector could not map
          List.of(
              "CREATE TABLE rejected (source TEXT NOT NULL, stream TEXT NOT NULL, id TEXT NOT"
                  + " NULL, reason TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER"
                  + " NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (source, stream, id))",
              "CREATE INDEX rejected_newest ON rejected (source, last_seen)"));

  /** The schema version this code writes. */
  static final int VERSION = MIGRATIONS.size();

  private static final DateTimeFormatter ASIDE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * An open, checked, current state file.
   *
   * @param reset the ERROR line logged when a damaged file was moved aside for this one, else null
   * @param fileKey the file's identity ({@link BasicFileAttributes#fileKey}, an inode), or null
   *     where the file system has none
   */
  record Opened(Connection conn, String reset, Object fileKey) {}

  /** The file was read but is not a usable state file. */
  private static final class Damaged extends Exception {
    Damaged(String reason) {
      super(reason, null, false, false);
    }
  }

  private StateFile() {}

  /**
   * Opens {@code dir/cx.db}, creating the directory and the file when needed.
   *
   * @throws StoreException with one line naming the path when the directory cannot be created or
   *     written, the file cannot be opened, or it is damaged and {@code policy} is {@link
   *     OnCorruption#REFUSE}
   */
  static Opened open(Path dir, Clock clock, OnCorruption policy) {
    writable(dir);
    Path file = dir.resolve(Store.FILE);
    String damage;
    try {
      return new Opened(checked(file), null, fileKey(file));
    } catch (Damaged d) {
      damage = d.getMessage();
    }
    if (policy == OnCorruption.REFUSE) {
      throw new StoreException(
          "state file "
              + file
              + " is damaged ("
              + damage
              + "); state.on_corruption is refuse, so cx-exporter does not start: move the file"
              + " aside (it is a cache) to re-sync",
          null);
    }
    Path aside = moveAside(file, clock);
    String line =
        "state file "
            + file
            + " is damaged ("
            + damage
            + "): moved aside to "
            + aside
            + " and started empty; every connector re-syncs from its start";
    LOG.error(line);
    try {
      return new Opened(checked(file), line, fileKey(file));
    } catch (Damaged d) {
      throw new StoreException("new state file " + file + " is damaged: " + d.getMessage(), null);
    }
  }

  /** Creates {@code dir} when needed and proves it writable by creating a file in it. */
  private static void writable(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create state directory " + dir + ": " + describe(e), e);
    }
    try {
      Files.delete(Files.createTempFile(dir, ".cx-write-check", ".tmp"));
    } catch (IOException e) {
      throw new StoreException("state directory " + dir + " is not writable: " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  /** A connection to a checked, migrated file; {@link Damaged} when it is not a state file. */
  private static Connection checked(Path file) throws Damaged {
    Connection c;
    try {
      c = DriverManager.getConnection("jdbc:sqlite:" + file);
    } catch (SQLException e) {
      throw new StoreException("cannot open state file " + file + ": " + e.getMessage(), e);
    }
    try (Statement st = c.createStatement()) {
      // a leftover WAL of a killed process is read here as SQLite recovers it: it is no damage
      try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
        String first = rs.next() ? rs.getString(1) : "no result";
        if (!"ok".equals(first)) {
          throw new Damaged("quick_check: " + oneLine(first));
        }
      }
      int version;
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > VERSION) {
        throw new Damaged(
            "schema version " + version + " is newer than this cx-exporter (" + VERSION + ")");
      }
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("PRAGMA busy_timeout=5000");
      boolean existing;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master")) {
        existing = rs.next() && rs.getInt(1) > 0;
      }
      migrate(st, version);
      if (existing && version < VERSION) {
        LOG.info("state file {} migrated from schema version {} to {}", file, version, VERSION);
      }
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      int code = e.getErrorCode() & 0xff;
      if (code == 11 || code == 26) { // SQLITE_CORRUPT, SQLITE_NOTADB
        throw new Damaged(oneLine(e.getMessage()));
      }
      throw new StoreException("cannot open state file " + file + ": " + e.getMessage(), e);
    } catch (Damaged | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Runs the migrations after {@code version}, each with its stamp in one transaction. */
  private static void migrate(Statement st, int version) throws SQLException {
    for (int v = version; v < VERSION; v++) {
      st.execute("BEGIN IMMEDIATE");
      try {
        for (String sql : MIGRATIONS.get(v)) {
          st.execute(sql);
        }
        st.execute("PRAGMA user_version=" + (v + 1));
        st.execute("COMMIT");
      } catch (SQLException e) {
        try {
          st.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // the migration's failure is what matters
        }
        throw e;
      }
    }
  }

  /** {@code file.corrupt-<UTC time>}, with its {@code -wal} and {@code -shm} beside it. */
  private static Path moveAside(Path file, Clock clock) {
    String stamp = ASIDE.format(clock.instant());
    Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
    for (int i = 1; Files.exists(aside); i++) {
      aside = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp + "-" + i);
    }
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      for (String companion : new String[] {"-wal", "-shm"}) {
        Path from = file.resolveSibling(file.getFileName() + companion);
        if (Files.exists(from)) {
          Files.move(
              from,
              aside.resolveSibling(aside.getFileName() + companion),
              StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      throw new StoreException(
          "state file " + file + " is damaged and cannot be moved aside: " + describe(e), e);
    }
    return aside;
  }

  /** The file's identity, or null where there is none (or the file is gone). */
  static Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Whether {@code file} still is the file opened with {@code key}: false when it is gone or
   * another file took its place.
   */
  static boolean same(Path file, Object key) {
    if (!Files.exists(file)) {
      return false;
    }
    return key == null || key.equals(fileKey(file));
  }

  private static String oneLine(String s) {
    String t = s == null ? "" : s.replaceAll("\\s+", " ").trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // already failing
    }
  }
}
