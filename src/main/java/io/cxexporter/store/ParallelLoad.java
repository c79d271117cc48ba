package io.cxexporter.store;

import io.cxexporter.model.Record;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Store#forEach}'s work: one thread reads the sources' rows while others decode them, chunk
 * by chunk, and the calling thread hands the decoded records to the action in order (a bounded
 * queue keeps memory to a few chunks). Several sources go through one pipeline, one after the
 * other: a start-up with 1,000 small sources would otherwise fill and drain it 1,000 times.
 */
final class ParallelLoad {
  private ParallelLoad() {}

  /**
   * Calls {@code action.begin(source)}, then {@code action.record(stream, record)} for each stored
   * record of that source in the store's order, for each of {@code sources} in turn, in this
   * thread; the caller holds the store's lock and commits or rolls back.
   *
   * @return the failure (of reading, decoding or the action), or null
   */
  static Throwable run(Connection conn, List<String> sources, Store.Sources action) {
    int decoders = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            decoders,
            r -> {
              Thread t = new Thread(r, "cx-store-decode");
              t.setDaemon(true);
              return t;
            });
    BlockingQueue<Future<Chunk>> chunks = new ArrayBlockingQueue<>(2 * decoders + 2);
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader =
        new Thread(() -> readChunks(conn, sources, chunks, pool, stop), "cx-store-read");
    reader.setDaemon(true);
    reader.start();
    Throwable failure = null;
    try {
      while (true) {
        Future<Chunk> f = chunks.take();
        if (f == END) {
          break;
        }
        Chunk chunk = f.get();
        if (chunk.first()) {
          action.begin(chunk.source());
        }
        for (Loaded r : chunk.records()) {
          action.record(r.stream(), r.record());
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
    return failure;
  }

  /** A record read by {@link #run} with its stream. */
  private record Loaded(String stream, Record record) {}

  /**
   * Decoded records of one source, in order; {@code first} on a source's first chunk (a source
   * without records has one, empty).
   */
  private record Chunk(String source, boolean first, List<Loaded> records) {}

  private static final int CHUNK = 1000;

  /** The end of {@link #run}'s chunks. */
  private static final Future<Chunk> END = CompletableFuture.completedFuture(null);

  /**
   * {@link #run}'s reader: each source's rows in chunks, each decoded by {@code pool}, queued in
   * order; then {@link #END}, or a failed chunk. Uses the connection while {@link #run} holds the
   * lock.
   */
  private static void readChunks(
      Connection conn,
      List<String> sources,
      BlockingQueue<Future<Chunk>> chunks,
      ExecutorService pool,
      AtomicBoolean stop) {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT stream, kind, body FROM records WHERE source=?")) {
      ps.setFetchSize(CHUNK);
      for (String source : sources) {
        // one string table per source, as when each source was read alone: its cap of distinct
        // values then holds per source, not for the first few hundred of a large shard
        TicketJson.Strings shared = new TicketJson.Strings();
        ps.setString(1, source);
        try (ResultSet rs = ps.executeQuery()) {
          List<Object[]> rows = new ArrayList<>(CHUNK);
          boolean any = false;
          while (true) {
            if (stop.get()) {
              return;
            }
            boolean more = rs.next();
            if (more) {
              // the body's UTF-8 bytes as stored: parsed without a string copy
              rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getBytes(3)});
            }
            if (rows.size() == CHUNK || (!more && (!rows.isEmpty() || !any))) {
              List<Object[]> chunk = rows;
              rows = new ArrayList<>(CHUNK);
              boolean first = !any;
              any = true;
              put(chunks, pool.submit(() -> new Chunk(source, first, decode(chunk, shared))), stop);
            }
            if (!more) {
              break;
            }
          }
        }
      }
      put(chunks, END, stop);
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

  private static void put(BlockingQueue<Future<Chunk>> q, Future<Chunk> f, AtomicBoolean stop) {
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
}
