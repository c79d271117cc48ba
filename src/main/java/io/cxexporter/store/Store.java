package io.cxexporter.store;

import io.cxexporter.model.Cursor;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   List<Change> changes = store.apply("zd", "tickets", page.records(), page.next(), page.caughtUp());
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
  private static final int LOOKUP_BATCH = 100;
  private static final int UPSERT_BATCH = 500;

  private final PreparedStatement selectRecords;
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
    selectRecords =
        conn.prepareStatement(
            "SELECT id, kind, body, updated_at FROM records WHERE source=? AND stream=? AND id IN ("
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
  public synchronized void forEach(String source, BiConsumer<String, Record> action) {
    int decoders = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            decoders,
            r -> {
              Thread t = new Thread(r, "cx-store-decode");
              t.setDaemon(true);
              return t;
            });
    BlockingQueue<Future<List<Loaded>>> chunks = new ArrayBlockingQueue<>(2 * decoders + 2);
    AtomicBoolean stop = new AtomicBoolean();
    TicketJson.Strings shared = new TicketJson.Strings();
    Thread reader =
        new Thread(() -> readChunks(source, chunks, pool, shared, stop), "cx-store-read");
    reader.setDaemon(true);
    reader.start();
    Throwable failure = null;
    try {
      while (true) {
        Future<List<Loaded>> f = chunks.take();
        if (f == END) {
          break;
        }
        for (Loaded r : f.get()) {
          action.accept(r.stream(), r.record());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (RuntimeException e) {
      failure = e; // from the action
    } finally {
      // the reader must be done with the connection before anything else uses it
      stop.set(true);
      chunks.clear(); // frees a reader blocked on a full queue
      pool.shutdownNow();
      joinQuietly(reader);
    }
    if (failure instanceof RuntimeException re) {
      // an undecodable body or a failing action: thrown as if decoded in this thread
      rollback("cannot read records of " + source, re);
      throw re;
    } else if (failure != null) {
      throw rollback(
          "cannot read records of " + source,
          failure instanceof Exception ex ? ex : new RuntimeException(failure));
    }
    try {
      conn.commit();
    } catch (SQLException e) {
      throw rollback("cannot read records of " + source, e);
    }
  }

  /** A record read by {@link #forEach} with its stream. */
  private record Loaded(String stream, Record record) {}

  private static final int CHUNK = 1000;

  /** The end of {@link #forEach}'s chunks. */
  private static final Future<List<Loaded>> END = CompletableFuture.completedFuture(List.of());

  /**
   * {@link #forEach}'s reader: rows in chunks, each decoded by {@code pool}, queued in order; then
   * {@link #END}, or a failed chunk. Uses the connection while {@link #forEach} holds the lock.
   */
  private void readChunks(
      String source,
      BlockingQueue<Future<List<Loaded>>> chunks,
      ExecutorService pool,
      TicketJson.Strings shared,
      AtomicBoolean stop) {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT stream, kind, body FROM records WHERE source=?")) {
      ps.setString(1, source);
      ps.setFetchSize(CHUNK);
      try (ResultSet rs = ps.executeQuery()) {
        List<Object[]> rows = new ArrayList<>(CHUNK);
        while (!stop.get()) {
          boolean more = rs.next();
          if (more) {
            // the body's UTF-8 bytes as stored: parsed without a string copy
            rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getBytes(3)});
          }
          if (rows.size() == CHUNK || (!more && !rows.isEmpty())) {
            List<Object[]> chunk = rows;
            rows = new ArrayList<>(CHUNK);
            put(chunks, pool.submit(() -> decode(chunk, shared)), stop);
          }
          if (!more) {
            put(chunks, END, stop);
            return;
          }
        }
      }
    } catch (SQLException | RuntimeException | Error e) {
      put(chunks, CompletableFuture.failedFuture(e), stop);
    }
  }

  /**
   * Decoded rows of (stream, kind, body). A row that no longer decodes (a body damaged on disk, or
   * a record stored by an older version that the model now refuses, such as a negative duration) is
   * left out and logged, never failing the whole load: the store is a cache, and a start that fails
   * on one row would crash-loop.
   */
  private static List<Loaded> decode(List<Object[]> rows, TicketJson.Strings shared) {
    List<Loaded> out = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      Record r;
      try {
        r = RecordCodec.decode((String) row[1], (byte[]) row[2], shared);
      } catch (RuntimeException e) {
        if (UNDECODABLE_LOGGED.getAndIncrement() < 10) {
          LOG.warn(
              "stored {} of stream {} cannot be read and is left out: {}",
              row[1],
              row[0],
              e.getCause() != null ? e.getMessage() + ": " + e.getCause().getMessage() : e);
        }
        continue;
      }
      out.add(new Loaded(shared.of((String) row[0]), r));
    }
    return out;
  }

  /** Undecodable rows logged so far by this process (at most 10 lines). */
  private static final java.util.concurrent.atomic.AtomicInteger UNDECODABLE_LOGGED =
      new java.util.concurrent.atomic.AtomicInteger();

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Store.class);

  private static void put(
      BlockingQueue<Future<List<Loaded>>> q, Future<List<Loaded>> f, AtomicBoolean stop) {
    try {
      while (!stop.get() && !q.offer(f, 50, TimeUnit.MILLISECONDS)) {
        // forEach is still handing out earlier chunks
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether any record (a tombstone too) is stored for a source: cheaper than {@link #count}. */
  public synchronized boolean has(String source) {
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
