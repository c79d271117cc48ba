package io.cxexporter.store;

import io.cxexporter.connector.Cursor;
import io.cxexporter.connector.Page;
import io.cxexporter.model.Record;
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
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The embedded state: the latest version of every record by {@code (source, stream, id)} and each
 * stream's cursor, in one SQLite file ({@code cx.db}, WAL) under {@code state.path}.
 *
 * <p>{@link #apply} commits a page's records and its next cursor in one transaction, so a crash at
 * any point leaves either the whole page with its cursor or neither: nothing is lost, nothing is
 * counted twice. Upserts are idempotent and ordered by {@code updatedAt}: an older version of a
 * record never replaces a newer one.
 *
 * <pre>{@code
 * try (Store store = Store.open(Path.of("cx-data"), Clock.systemUTC())) {
 *   List<Change> changes = store.apply("zd", "tickets", page);
 * }
 * }</pre>
 *
 * <p>It is a cache of the vendors' truth: deleting the file costs a re-sync, never correctness. One
 * connection, used under this object's lock.
 */
public final class Store implements AutoCloseable {
  /** The file name inside {@code state.path}. */
  public static final String FILE = "cx.db";

  private final Connection conn;
  private final Clock clock;
  private final PreparedStatement selectRecord;
  private final PreparedStatement upsertRecord;
  private final PreparedStatement upsertCursor;
  private Runnable beforeCommit = () -> {};

  private Store(Connection conn, Clock clock) throws SQLException {
    this.conn = conn;
    this.clock = clock;
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("PRAGMA busy_timeout=5000");
      st.execute(
          "CREATE TABLE IF NOT EXISTS records (source TEXT NOT NULL, stream TEXT NOT NULL,"
              + " id TEXT NOT NULL, updated_at INTEGER NOT NULL, kind TEXT NOT NULL,"
              + " body TEXT NOT NULL, PRIMARY KEY (source, stream, id)) WITHOUT ROWID");
      st.execute(
          "CREATE TABLE IF NOT EXISTS cursors (source TEXT NOT NULL, stream TEXT NOT NULL,"
              + " cursor TEXT, backfill_done INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
              + " PRIMARY KEY (source, stream))");
      st.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)");
      st.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')");
    }
    conn.setAutoCommit(false);
    conn.commit();
    selectRecord =
        conn.prepareStatement(
            "SELECT kind, body, updated_at FROM records WHERE source=? AND stream=? AND id=?");
    upsertRecord =
        conn.prepareStatement(
            "INSERT INTO records VALUES (?,?,?,?,?,?) ON CONFLICT (source, stream, id) DO UPDATE"
                + " SET updated_at=excluded.updated_at, kind=excluded.kind, body=excluded.body");
    upsertCursor =
        conn.prepareStatement(
            "INSERT INTO cursors VALUES (?,?,?,?,?) ON CONFLICT (source, stream) DO UPDATE SET"
                + " cursor=excluded.cursor, backfill_done=max(backfill_done,"
                + " excluded.backfill_done), updated_at=excluded.updated_at");
  }

  /**
   * Opens (creating when needed) the state in {@code dir}.
   *
   * @throws StoreException when the folder or file cannot be created or opened
   */
  /** The connection, for {@link AlertLog}: use it only under this object's lock. */
  Connection connection() {
    return conn;
  }

  public static Store open(Path dir, Clock clock) {
    try {
      Files.createDirectories(dir);
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE));
      return new Store(c, clock);
    } catch (Exception e) {
      throw new StoreException("cannot open state in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The stored state of a stream, {@link StreamState#NEW} when never read. */
  public synchronized StreamState state(String source, String stream) {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT cursor, backfill_done, updated_at FROM cursors WHERE source=? AND stream=?")) {
      ps.setString(1, source);
      ps.setString(2, stream);
      try (ResultSet rs = ps.executeQuery()) {
        StreamState s =
            rs.next()
                ? new StreamState(
                    new Cursor(rs.getString(1)),
                    rs.getInt(2) == 1,
                    Instant.ofEpochMilli(rs.getLong(3)))
                : StreamState.NEW;
        conn.commit();
        return s;
      }
    } catch (SQLException e) {
      throw rollback("cannot read cursor of " + source + "/" + stream, e);
    }
  }

  /**
   * Applies a page: upserts its records (newest {@code updatedAt} wins, a re-delivered identical
   * version is no change) and stores {@code page.next()} — all in one transaction. When the page is
   * caught up the stream's backfill is marked done.
   *
   * @return what changed, in page order
   * @throws StoreException when the transaction failed; nothing of the page was kept
   */
  public synchronized List<Change> apply(String source, String stream, Page page) {
    List<Change> changes = new ArrayList<>();
    try {
      for (Record r : page.records()) {
        Record before = null;
        selectRecord.setString(1, source);
        selectRecord.setString(2, stream);
        selectRecord.setString(3, r.id());
        String oldBody = null;
        try (ResultSet rs = selectRecord.executeQuery()) {
          if (rs.next()) {
            if (rs.getLong(3) > r.updatedAt().toEpochMilli()) {
              continue; // an older version arrived late: keep the newer one
            }
            oldBody = rs.getString(2);
            before = RecordCodec.decode(rs.getString(1), oldBody);
          }
        }
        String body = RecordCodec.encode(r);
        if (body.equals(oldBody)) {
          continue;
        }
        upsertRecord.setString(1, source);
        upsertRecord.setString(2, stream);
        upsertRecord.setString(3, r.id());
        upsertRecord.setLong(4, r.updatedAt().toEpochMilli());
        upsertRecord.setString(5, RecordCodec.kind(r));
        upsertRecord.setString(6, body);
        upsertRecord.executeUpdate();
        changes.add(new Change(stream, before, r));
      }
      upsertCursor.setString(1, source);
      upsertCursor.setString(2, stream);
      upsertCursor.setString(3, page.next().value());
      upsertCursor.setInt(4, page.caughtUp() ? 1 : 0);
      upsertCursor.setLong(5, clock.millis());
      upsertCursor.executeUpdate();
      beforeCommit.run();
      conn.commit();
      return changes;
    } catch (SQLException | RuntimeException e) {
      throw rollback("cannot apply a page of " + source + "/" + stream, e);
    }
  }

  /** Calls {@code action(stream, record)} for every stored record of a source, tombstones too. */
  public synchronized void forEach(String source, BiConsumer<String, Record> action) {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT stream, kind, body FROM records WHERE source=?")) {
      ps.setString(1, source);
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          action.accept(rs.getString(1), RecordCodec.decode(rs.getString(2), rs.getString(3)));
        }
      }
      conn.commit();
    } catch (SQLException e) {
      throw rollback("cannot read records of " + source, e);
    }
  }

  /** How many records (tombstones included) are stored for a source. */
  public synchronized long count(String source) {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT count(*) FROM records WHERE source=?")) {
      ps.setString(1, source);
      try (ResultSet rs = ps.executeQuery()) {
        long n = rs.next() ? rs.getLong(1) : 0;
        conn.commit();
        return n;
      }
    } catch (SQLException e) {
      throw rollback("cannot count records of " + source, e);
    }
  }

  /** Test hook: runs inside {@link #apply}'s transaction just before it commits. */
  synchronized void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  private StoreException rollback(String message, Exception cause) {
    try {
      conn.rollback();
    } catch (SQLException ignored) {
      // the original failure is what matters
    }
    return new StoreException(message + ": " + cause.getMessage(), cause);
  }

  @Override
  public synchronized void close() {
    try {
      selectRecord.close();
      upsertRecord.close();
      upsertCursor.close();
      conn.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close state", e);
    }
  }
}
