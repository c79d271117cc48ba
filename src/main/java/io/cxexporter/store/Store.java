package io.cxexporter.store;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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
 *   List<Change> changes = store.apply("zd", "tickets", page.records(), page.next(), page.caughtUp());
 * }
 * }</pre>
 *
 * <p>It is a cache of the vendors' truth: deleting the file costs a re-sync, never correctness. So
 * it never stops the exporter for long and never starts empty silently: a damaged file is moved
 * aside on open ({@link StateFile}, {@link #reset()}), a file deleted while running is recreated
 * ({@link #lost()}), and a connection a failed rollback left unusable (a full disk) is reopened
 * before its next use. One connection, used under this object's lock.
 */
public final class Store implements AutoCloseable {
  /** The file name inside {@code state.path}. */
  public static final String FILE = "cx.db";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Store.class);

  private final Path dir;
  private final Clock clock;
  private final OnCorruption policy;
  private static final int LOOKUP_BATCH = 100;
  private static final int UPSERT_BATCH = 500;

  private Connection conn;
  private Object fileKey;
  private PreparedStatement selectRecords;
  private PreparedStatement upsertRecord;
  private PreparedStatement upsertCursor;

  /** True after a failed rollback: the connection is reopened before its next use. */
  private boolean broken;

  private final String reset;
  private volatile String lost;
  private Consumer<String> onReset = reason -> {};
  private Runnable beforeCommit = () -> {};
  private long pageLimit;

  private Store(Path dir, Clock clock, OnCorruption policy) throws SQLException {
    this.dir = dir;
    this.clock = clock;
    this.policy = policy;
    this.reset = connect(StateFile.open(dir, clock, policy));
  }

  /** Takes over an opened file: prepares the statements; returns its reset line, if any. */
  private String connect(StateFile.Opened opened) throws SQLException {
    conn = opened.conn();
    fileKey = opened.fileKey();
    broken = false;
    try {
      if (pageLimit > 0) {
        try (Statement st = conn.createStatement()) {
          st.execute("PRAGMA max_page_count=" + pageLimit);
        }
      }
      conn.setAutoCommit(false);
      selectRecords =
          conn.prepareStatement(
              "SELECT id, kind, body, updated_at FROM records WHERE source=? AND stream=? AND id"
                  + " IN ("
                  + String.join(",", java.util.Collections.nCopies(LOOKUP_BATCH, "?"))
                  + ")");
      upsertRecord =
          conn.prepareStatement(
              "INSERT INTO records VALUES (?,?,?,?,?,?) ON CONFLICT (source, stream, id) DO UPDATE"
                  + " SET updated_at=excluded.updated_at, kind=excluded.kind, body=excluded.body");
      upsertCursor =
          conn.prepareStatement(
              "INSERT INTO cursors VALUES (?,?,?,?,?) ON CONFLICT (source, stream) DO UPDATE SET"
                  + " cursor=excluded.cursor, backfill_done=max(backfill_done,"
                  + " excluded.backfill_done), updated_at=excluded.updated_at");
    } catch (SQLException e) {
      closeQuietly();
      throw e;
    }
    return opened.reset();
  }

  /**
   * The connection, for {@link AlertLog}: use it only under this object's lock. Reopened first when
   * a failed rollback left it unusable, or recreated when the file is gone, as for the store's own
   * calls.
   */
  Connection connection() {
    usable();
    return conn;
  }

  /**
   * Opens (creating when needed) the state in {@code dir}; a damaged file is moved aside ({@link
   * OnCorruption#RESET}).
   *
   * @throws StoreException when the folder cannot be created or written, or the file cannot be
   *     opened
   */
  public static Store open(Path dir, Clock clock) {
    return open(dir, clock, OnCorruption.RESET);
  }

  /**
   * Opens (creating when needed) the state in {@code dir}, after checking the file ({@code PRAGMA
   * quick_check} and its schema version) and migrating it to the current schema. A damaged file
   * (truncated, not SQLite, or of a newer schema) is moved aside to {@code cx.db.corrupt-<UTC
   * time>} with one ERROR line, and the state starts empty ({@link #reset()} says so), unless
   * {@code onCorruption} is {@link OnCorruption#REFUSE}.
   *
   * <pre>{@code
   * Store store = Store.open(Path.of("cx-data"), Clock.systemUTC(), OnCorruption.RESET);
   * if (store.reset() != null) {
   *   resets.inc(); // the connectors re-sync from their start
   * }
   * }</pre>
   *
   * @throws StoreException with one line naming the path when the folder cannot be created or
   *     written, the file cannot be opened, or it is damaged and {@code onCorruption} is {@code
   *     REFUSE}
   */
  public static Store open(Path dir, Clock clock, OnCorruption onCorruption) {
    try {
      return new Store(dir, clock, onCorruption);
    } catch (SQLException e) {
      throw new StoreException("cannot open state in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The ERROR line logged when {@link #open} found the file damaged and moved it aside, or null
   * when the file opened as it was.
   */
  public String reset() {
    return reset;
  }

  /**
   * The ERROR line logged when the state file started empty while running (deleted or replaced, or
   * found damaged when the connection was reopened), or null when that never happened.
   */
  public String lost() {
    return lost;
  }

  /**
   * Runs {@code action} (under this object's lock) each time the state starts empty while running,
   * with the reason: {@code deleted} (the file was deleted or replaced) or {@code damaged} (found
   * damaged and moved aside when the connection was reopened).
   */
  public synchronized void onReset(Consumer<String> action) {
    this.onReset = action;
  }

  /**
   * Before each use: reopens a connection a failed rollback left unusable (a disk that was full may
   * have space again), and recreates the file when it was deleted or replaced.
   *
   * @return true when the state started empty just now
   */
  private boolean usable() {
    if (broken) {
      String damaged = reopen("cannot reopen state in ");
      LOG.info("state file {} reopened after a failed transaction", dir.resolve(FILE));
      if (damaged != null) {
        lost = damaged;
        onReset.accept("damaged");
        return true;
      }
    }
    Path file = dir.resolve(FILE);
    if (StateFile.same(file, fileKey)) {
      return false;
    }
    String line =
        "state file "
            + file
            + " was deleted or replaced while running: recreated it empty; the cursors are gone,"
            + " so every connector re-syncs from its start";
    LOG.error(line);
    lost = line;
    reopen("cannot recreate state in ");
    onReset.accept("deleted");
    return true;
  }

  /**
   * Closes the connection and opens the file again (checked, migrated).
   *
   * @return the reset line when the file was found damaged and moved aside, else null
   */
  private String reopen(String failure) {
    closeQuietly();
    try {
      return connect(StateFile.open(dir, clock, policy));
    } catch (SQLException | RuntimeException e) {
      broken = true;
      throw new StoreException(failure + dir + ": " + e.getMessage(), e);
    }
  }

  /** The stored state of a stream, {@link StreamState#NEW} when never read. */
  public synchronized StreamState state(String source, String stream) {
    usable();
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
   * version is no change) and stores {@code next} — all in one transaction. When the page is caught
   * up the stream's backfill is marked done.
   *
   * @param records the page's records, oldest change first
   * @param next the stream's cursor after the page
   * @param caughtUp true when the stream has nothing newer (its backfill is done)
   * @return what changed, in page order
   * @throws StoreException when the transaction failed; nothing of the page was kept
   */
  public synchronized List<Change> apply(
      String source, String stream, List<? extends Record> records, Cursor next, boolean caughtUp) {
    return apply(source, stream, records, List.of(), next, caughtUp);
  }

  /**
   * Applies a page as {@link #apply(String, String, List, Cursor, boolean)} does, and in the same
   * transaction quarantines the records it could not map ({@link Quarantine}) and releases the
   * quarantined records it now read fine.
   *
   * <p>When the state file was deleted while running, it is recreated empty first and the page is
   * refused ({@link StoreException}): its cursor would skip what the lost file held, so the stream
   * reads again from its start.
   *
   * @param rejected the page's records that could not be mapped
   * @throws StoreException when the transaction failed; nothing of the page was kept
   */
  public synchronized List<Change> apply(
      String source,
      String stream,
      List<? extends Record> records,
      List<Quarantine.Rejection> rejected,
      Cursor next,
      boolean caughtUp) {
    if (usable()) {
      throw new StoreException(
          "a page of "
              + source
              + "/"
              + stream
              + " is not applied: the state file was recreated, the stream reads from its start",
          null);
    }
    List<Change> changes = new ArrayList<>();
    try {
      Map<String, Stored> stored = lookup(source, stream, records);
      int batched = 0;
      for (Record r : records) {
        Stored old = stored.get(r.id());
        long updatedAt = r.updatedAt().toEpochMilli();
        Record before = null;
        if (old != null) {
          if (old.updatedAt > updatedAt) {
            continue; // an older version arrived late: keep the newer one
          }
          before = old.record != null ? old.record : RecordCodec.decode(old.kind, old.body);
        }
        String body = RecordCodec.encode(r);
        if (old != null && body.equals(old.body)) {
          continue;
        }
        String kind = RecordCodec.kind(r);
        upsertRecord.setString(1, source);
        upsertRecord.setString(2, stream);
        upsertRecord.setString(3, r.id());
        upsertRecord.setLong(4, updatedAt);
        upsertRecord.setString(5, kind);
        upsertRecord.setString(6, body);
        upsertRecord.addBatch();
        if (++batched == UPSERT_BATCH) {
          upsertRecord.executeBatch();
          batched = 0;
        }
        stored.put(r.id(), new Stored(updatedAt, kind, body, r));
        changes.add(new Change(stream, before, r));
      }
      if (batched > 0) {
        upsertRecord.executeBatch();
      }
      upsertCursor.setString(1, source);
      upsertCursor.setString(2, stream);
      upsertCursor.setString(3, next.value());
      upsertCursor.setInt(4, caughtUp ? 1 : 0);
      upsertCursor.setLong(5, clock.millis());
      upsertCursor.executeUpdate();
      Quarantine.remove(conn, source, stream, records.stream().map(Record::id).toList());
      Quarantine.add(conn, source, stream, rejected, clock.millis());
      beforeCommit.run();
      conn.commit();
      return changes;
    } catch (SQLException | RuntimeException e) {
      try {
        upsertRecord.clearBatch();
      } catch (SQLException ignored) {
        // the rollback below is what matters
      }
      throw rollback("cannot apply a page of " + source + "/" + stream, e);
    }
  }

  /**
   * A stored version: its time, kind and body, and the record itself once this page wrote it (a
   * second version of the same id in one page compares with the first).
   */
  private record Stored(long updatedAt, String kind, String body, Record record) {}

  /** The stored versions of these records' ids, {@value #LOOKUP_BATCH} ids per query. */
  private Map<String, Stored> lookup(String source, String stream, List<? extends Record> records)
      throws SQLException {
    Map<String, Stored> out = new HashMap<>(records.size() * 2);
    String[] ids = records.stream().map(Record::id).distinct().toArray(String[]::new);
    for (int from = 0; from < ids.length; from += LOOKUP_BATCH) {
      selectRecords.setString(1, source);
      selectRecords.setString(2, stream);
      for (int i = 0; i < LOOKUP_BATCH; i++) {
        // a short last batch repeats its last id: IN ignores duplicates
        selectRecords.setString(3 + i, ids[Math.min(from + i, ids.length - 1)]);
      }
      try (ResultSet rs = selectRecords.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(1), new Stored(rs.getLong(4), rs.getString(2), rs.getString(3), null));
        }
      }
    }
    return out;
  }

  /**
   * Calls {@code action(stream, record)} for every stored record of a source, tombstones too, in
   * this thread and in the store's order.
   *
   * <p>A start-up reads every record (a million for a large help desk), so the work is spread: one
   * thread reads rows while others decode them, chunk by chunk, and this thread hands the decoded
   * records to {@code action} in order (a bounded queue keeps memory to a few chunks). {@code
   * action} must not use this store.
   */
  public void forEach(String source, BiConsumer<String, Record> action) {
    forEach(
        List.of(source),
        new Sources() {
          @Override
          public void begin(String s) {}

          @Override
          public void record(String stream, Record record) {
            action.accept(stream, record);
          }
        });
  }

  /** What {@link #forEach(List, Sources)} hands out: each source's name, then its records. */
  public interface Sources {
    /** Before the records of {@code source}: called for every source, those without any too. */
    void begin(String source);

    /** One record (a tombstone too) of the source {@link #begin} named last. */
    void record(String stream, Record record);
  }

  /**
   * {@link #forEach(String, BiConsumer)} for several sources, one after the other in the order
   * given, through one pipeline of reading and decoding threads (a start-up with 1,000 small
   * sources would otherwise start and drain it 1,000 times). {@code action} must not use this
   * store; when it throws, or a row cannot be read, nothing more is handed out.
   */
  public synchronized void forEach(List<String> sources, Sources action) {
    usable();
    String what = sources.size() == 1 ? sources.get(0) : sources.size() + " sources";
    Throwable failure = ParallelLoad.run(conn, sources, action);
    if (failure instanceof RuntimeException re) {
      // an undecodable body or a failing action: thrown as if decoded in this thread
      rollback("cannot read records of " + what, re);
      throw re;
    } else if (failure != null) {
      throw rollback(
          "cannot read records of " + what,
          failure instanceof Exception ex ? ex : new RuntimeException(failure));
    }
    try {
      conn.commit();
    } catch (SQLException e) {
      throw rollback("cannot read records of " + what, e);
    }
  }

  /** Whether any record (a tombstone too) is stored for a source: cheaper than {@link #count}. */
  public synchronized boolean has(String source) {
    usable();
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT EXISTS (SELECT 1 FROM records WHERE source=?)")) {
      ps.setString(1, source);
      try (ResultSet rs = ps.executeQuery()) {
        boolean any = rs.next() && rs.getInt(1) == 1;
        conn.commit();
        return any;
      }
    } catch (SQLException e) {
      throw rollback("cannot read records of " + source, e);
    }
  }

  /** How many records (tombstones included) are stored for a source. */
  public synchronized long count(String source) {
    usable();
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

  /**
   * The records of a source that could not be mapped, newest first.
   *
   * @param limit how many rows to return at most (the total is counted in full)
   */
  public synchronized Quarantine rejected(String source, int limit) {
    usable();
    try {
      Quarantine q = Quarantine.read(conn, source, limit);
      conn.commit();
      return q;
    } catch (SQLException e) {
      throw rollback("cannot read rejected records of " + source, e);
    }
  }

  /**
   * Test hook: caps the file at {@code pages} pages ({@code PRAGMA max_page_count}, 0 for no cap),
   * now and after each reopen, so a test can fill the "disk" and free it again.
   */
  synchronized void limitPages(long pages) {
    this.pageLimit = pages;
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA max_page_count=" + (pages > 0 ? pages : Integer.MAX_VALUE - 1));
    } catch (SQLException e) {
      throw new StoreException("cannot limit pages", e);
    }
  }

  /** Test hook: runs inside {@link #apply}'s transaction just before it commits. */
  synchronized void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  /**
   * Rolls the transaction back after a failure. When the rollback fails too (after {@code
   * SQLITE_FULL} SQLite may have ended the transaction itself, and the driver's next commit would
   * fail with "no transaction is active" forever), the connection is reopened before its next use.
   */
  private StoreException rollback(String message, Exception cause) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      LOG.warn("state rollback failed, the connection is reopened: {}", e.getMessage());
      broken = true;
    }
    return new StoreException(message + ": " + cause.getMessage(), cause);
  }

  /** Package access for {@link AlertLog}: a failed rollback there also reopens the connection. */
  void markBroken() {
    broken = true;
  }

  private void closeQuietly() {
    for (AutoCloseable c : new AutoCloseable[] {selectRecords, upsertRecord, upsertCursor, conn}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // replaced or closing anyway
      }
    }
  }

  @Override
  public synchronized void close() {
    try {
      selectRecords.close();
      upsertRecord.close();
      upsertCursor.close();
      conn.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close state", e);
    }
  }

  /**
   * Copies the WAL into the database file and truncates it, so a stopped exporter leaves one
   * self-contained file ({@code PRAGMA wal_checkpoint(TRUNCATE)}); the exporter calls it before
   * {@link #close()} on shutdown.
   *
   * @throws StoreException when SQLite refuses
   */
  public synchronized void checkpoint() {
    try {
      // a checkpoint cannot run inside the transaction the driver keeps open between commits
      conn.setAutoCommit(true);
      try (java.sql.Statement st = conn.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        conn.setAutoCommit(false);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot checkpoint the WAL", e);
    }
  }
}
