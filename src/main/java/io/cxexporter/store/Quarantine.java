package io.cxexporter.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a source that a connector could not map, as kept in the state file's {@code
 * rejected} table: one row per {@code (source, stream, id)}, so a re-read does not duplicate it,
 * with its latest reason and how often it was seen. {@link Store#apply} keeps it; a record read
 * fine later leaves it. At most {@value #MAX_PER_SOURCE} rows per source, the newest.
 *
 * @param total how many records of the source are quarantined
 * @param newest the most recently seen ones, newest first
 */
public record Quarantine(long total, List<Entry> newest) {
  /** Rows kept per source: the oldest beyond it are dropped. */
  public static final int MAX_PER_SOURCE = 1000;

  /** No record quarantined. */
  public static final Quarantine EMPTY = new Quarantine(0, List.of());

  public Quarantine {
    newest = List.copyOf(newest);
  }

  /**
   * A record a page could not map, as {@link Store#apply} takes it.
   *
   * @param id the vendor's id, or {@code ?} when it has none
   * @param reason why it could not be read
   */
  public record Rejection(String id, String reason) {}

  /** One quarantined record. */
  public record Entry(
      String stream, String id, String reason, Instant firstSeen, Instant lastSeen, long count) {}

  /** Inserts or refreshes the rows of {@code rejected}, then drops the oldest beyond the cap. */
  static void add(Connection c, String source, String stream, List<Rejection> rejected, long now)
      throws SQLException {
    if (rejected.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO rejected VALUES (?,?,?,?,?,?,1) ON CONFLICT (source, stream, id) DO"
                + " UPDATE SET reason=excluded.reason, last_seen=excluded.last_seen,"
                + " count=count+1")) {
      for (Rejection r : rejected) {
        ps.setString(1, source);
        ps.setString(2, stream);
        ps.setString(3, r.id());
        ps.setString(4, r.reason());
        ps.setLong(5, now);
        ps.setLong(6, now);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM rejected WHERE rowid IN (SELECT rowid FROM rejected WHERE source=?"
                + " ORDER BY last_seen DESC, rowid DESC LIMIT -1 OFFSET ?)")) {
      ps.setString(1, source);
      ps.setInt(2, MAX_PER_SOURCE);
      ps.executeUpdate();
    }
  }

  /** Removes the rows of records that were read fine, when the stream has any. */
  static void remove(Connection c, String source, String stream, List<String> ids)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement any =
        c.prepareStatement("SELECT EXISTS (SELECT 1 FROM rejected WHERE source=? AND stream=?)")) {
      any.setString(1, source);
      any.setString(2, stream);
      try (ResultSet rs = any.executeQuery()) {
        if (!rs.next() || rs.getInt(1) == 0) {
          return;
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM rejected WHERE source=? AND stream=? AND id=?")) {
      for (String id : ids) {
        ps.setString(1, source);
        ps.setString(2, stream);
        ps.setString(3, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The quarantine of a source: its size and the {@code limit} newest rows. */
  static Quarantine read(Connection c, String source, int limit) throws SQLException {
    long total;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM rejected WHERE source=?")) {
      ps.setString(1, source);
      try (ResultSet rs = ps.executeQuery()) {
        total = rs.next() ? rs.getLong(1) : 0;
      }
    }
    if (total == 0) {
      return EMPTY;
    }
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT stream, id, reason, first_seen, last_seen, count FROM rejected WHERE"
                + " source=? ORDER BY last_seen DESC, rowid DESC LIMIT ?")) {
      ps.setString(1, source);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Entry(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  Instant.ofEpochMilli(rs.getLong(4)),
                  Instant.ofEpochMilli(rs.getLong(5)),
                  rs.getLong(6)));
        }
      }
    }
    return new Quarantine(total, out);
  }
}
