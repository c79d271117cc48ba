package io.cxexporter.sync;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One run of a set of connectors, from start to stop: every write a run makes (store, KPI engine,
 * metrics, status) goes through {@link #write}, and after {@link #end()} returns none does. A
 * thread of a stopped run that wakes late (a vendor answered after the reload, a sleep ended) finds
 * its generation ended and drops what it would have written, so it can neither re-create the series
 * of a removed connector nor advance a cursor its replacement owns.
 *
 * <pre>{@code
 * Generation run = new Generation();
 * run.write(() -> store.apply(...), null);   // skipped once ended
 * run.end();                                 // waits for a write in progress, then refuses all
 * }</pre>
 */
public final class Generation {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean live = true;

  /** Whether the run has not ended; a hint only, since it may end right after. */
  public boolean live() {
    return live;
  }

  /**
   * Runs {@code write} unless the run has ended; writes of one run may overlap each other, never
   * {@link #end()}.
   *
   * @return what {@code write} returned, or {@code ended} when it did not run
   */
  public <T> T write(Supplier<T> write, T ended) {
    lock.readLock().lock();
    try {
      return live ? write.get() : ended;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Like {@link #write(Supplier, Object)}, for a write without a result. */
  public void write(Runnable write) {
    write(
        () -> {
          write.run();
          return null;
        },
        null);
  }

  /**
   * Ends the run: waits for the writes in progress (each is short: a page's commit and its metric
   * updates), then refuses every later one. Idempotent.
   */
  public void end() {
    lock.writeLock().lock();
    try {
      live = false;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
