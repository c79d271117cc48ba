package io.cxexporter.model;

/**
 * Where a stream stopped reading: an opaque string that only its stream understands (a Zendesk
 * {@code after_cursor}, a timestamp, a page token). {@link #START} means "never read".
 */
public record Cursor(String value) {
  /** The cursor of a stream that has never been read: the stream starts its backfill. */
  public static final Cursor START = new Cursor(null);

  /** True for {@link #START}. */
  public boolean isStart() {
    return value == null;
  }
}
