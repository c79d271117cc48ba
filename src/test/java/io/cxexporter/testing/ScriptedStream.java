package io.cxexporter.testing;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream that serves fixed pages: cursor {@code START} reads page 0, cursor {@code "n"} reads
 * page n; the last page is caught up. Counts its reads, so tests can prove nothing is re-read.
 */
public final class ScriptedStream implements Stream {
  private final String name;
  private final List<List<Record>> pages = new ArrayList<>();
  private final List<List<Rejected>> rejected = new ArrayList<>();
  public final AtomicInteger reads = new AtomicInteger();
  private volatile ConnectorException failNext;
  private volatile int failAfter = -1;
  private volatile ReadHook onRead = from -> {};

  /** What a test runs at the start of every read, e.g. to hold a read until the test lets it go. */
  @FunctionalInterface
  public interface ReadHook {
    /** Runs before the read serves its page; throwing fails the read. */
    void beforeRead(Cursor from) throws ConnectorException;
  }

  public ScriptedStream(String name) {
    this.name = name;
  }

  public ScriptedStream page(Record... records) {
    pages.add(List.of(records));
    rejected.add(List.of());
    return this;
  }

  /** The last page added also carries records that could not be mapped. */
  public ScriptedStream rejecting(Rejected... bad) {
    rejected.set(rejected.size() - 1, List.of(bad));
    return this;
  }

  /** Runs {@code hook} at the start of every read (after it was counted). */
  public ScriptedStream onRead(ReadHook hook) {
    onRead = hook;
    return this;
  }

  /**
   * After {@code n} more successful reads, the next read throws as if the process died there (a
   * RuntimeException the sync loop does not expect).
   */
  public void failAfter(int n) {
    failAfter = n;
  }

  /** The next read throws {@code e} (once); null does nothing. */
  public void failNext(ConnectorException e) {
    failNext = e;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    reads.incrementAndGet();
    onRead.beforeRead(from);
    if (failAfter == 0) {
      failAfter = -1;
      throw new IllegalStateException("simulated crash");
    }
    if (failAfter > 0) {
      failAfter--;
    }
    ConnectorException e = failNext;
    if (e != null) {
      failNext = null;
      throw e;
    }
    int i = from.isStart() ? 0 : Integer.parseInt(from.value());
    if (i >= pages.size()) {
      return new Page(List.of(), from, true, 1.0);
    }
    boolean last = i == pages.size() - 1;
    return new Page(
        pages.get(i),
        new Cursor(Integer.toString(i + 1)),
        last,
        (i + 1.0) / pages.size(),
        rejected.get(i));
  }
}
