package io.cxexporter.connector;

import io.cxexporter.model.Cursor;

/**
 * One incremental feed of a connector (tickets, satisfaction ratings, surveys, customers, deals).
 *
 * <p>The sync loop calls {@link #read(Cursor)} with the last committed cursor, commits the page's
 * records together with {@link Page#next()}, and calls again until {@link Page#caughtUp()}.
 * Implementations keep no position of their own: everything needed to continue is in the cursor, so
 * a restart resumes where the last committed page ended.
 *
 * <p>One stream is never read by two threads at once, but different streams of the same connector
 * may be: state they share must be thread-safe.
 */
public interface Stream {

  /** The stream's name, stable across releases (it keys the stored cursor): {@code tickets}. */
  String name();

  /**
   * Reads the page after {@code from}.
   *
   * @throws ConnectorException when the page could not be read; the cursor does not advance
   */
  Page read(Cursor from) throws ConnectorException;
}
