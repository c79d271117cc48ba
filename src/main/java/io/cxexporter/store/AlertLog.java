package io.cxexporter.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alerting agent's memory in the state file, so a restart neither re-pages nor forgets: alert
 * instances (pending or firing), each KPI's sampled history for baselines, when each notifier last
 * delivered each alert, and which SLA reminders each notifier got ({@code reminders_sent}). Uses
 * the {@link Store}'s connection under the store's lock.
 *
 * <pre>{@code
 * AlertLog log = new AlertLog(store);
 * log.save(new AlertLog.Instance("BacklogHigh", "a1b2...", "{...}", "firing", t0, t1, t1, 230));
 * }</pre>
 */
public final class AlertLog {
  private final Store store;

  /**
   * One persisted alert instance.
   *
   * @param labelsJson its labels as a JSON object
   * @param state {@code pending} or {@code firing}
   * @param activeSince when its condition became true
   * @param firedAt when it started firing, or null while pending
   * @param lastActive the last evaluation that found it active
   */
  public record Instance(
      String rule,
      String fingerprint,
      String labelsJson,
      String state,
      Instant activeSince,
      Instant firedAt,
      Instant lastActive,
      double value) {}

  public AlertLog(Store store) {
    this.store = store;
    synchronized (store) {
      try (Statement st = conn().createStatement()) {
        st.execute(
            "CREATE TABLE IF NOT EXISTS alert_instances (fingerprint TEXT PRIMARY KEY, rule TEXT"
                + " NOT NULL, labels TEXT NOT NULL, state TEXT NOT NULL, active_since INTEGER NOT"
                + " NULL, fired_at INTEGER, last_active INTEGER NOT NULL, value REAL)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS kpi_samples (series TEXT NOT NULL, at INTEGER NOT NULL,"
                + " value REAL NOT NULL, PRIMARY KEY (series, at)) WITHOUT ROWID");
        st.execute(
            "CREATE TABLE IF NOT EXISTS notifications_sent (notifier TEXT NOT NULL, fingerprint"
                + " TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (notifier, fingerprint))");
        st.execute(
            "CREATE TABLE IF NOT EXISTS reminders_sent (rule TEXT NOT NULL, source TEXT NOT NULL,"
                + " ticket TEXT NOT NULL, notifier TEXT NOT NULL, threshold TEXT NOT NULL, due"
                + " INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (rule, source, ticket,"
                + " notifier, threshold, due)) WITHOUT ROWID");
        conn().commit();
      } catch (SQLException e) {
        throw rollback("cannot create the alert tables", e);
      }
    }
  }

  private Connection conn() {
    return store.connection();
  }

  /** Every persisted instance, by fingerprint. */
  public Map<String, Instance> instances() {
    synchronized (store) {
      Map<String, Instance> out = new LinkedHashMap<>();
      try (Statement st = conn().createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT rule, fingerprint, labels, state, active_since, fired_at, last_active,"
                      + " value FROM alert_instances")) {
        while (rs.next()) {
          long fired = rs.getLong(6);
          boolean firedNull = rs.wasNull();
          out.put(
              rs.getString(2),
              new Instance(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  Instant.ofEpochMilli(rs.getLong(5)),
                  firedNull ? null : Instant.ofEpochMilli(fired),
                  Instant.ofEpochMilli(rs.getLong(7)),
                  rs.getDouble(8)));
        }
        return out;
      } catch (SQLException e) {
        throw rollback("cannot read alert instances", e);
      }
    }
  }

  /** Replaces the persisted instances with {@code now} in one transaction. */
  public void replaceInstances(List<Instance> now) {
    synchronized (store) {
      try (Statement del = conn().createStatement();
          PreparedStatement ins =
              conn().prepareStatement("INSERT INTO alert_instances VALUES (?,?,?,?,?,?,?,?)")) {
        del.execute("DELETE FROM alert_instances");
        for (Instance i : now) {
          ins.setString(1, i.fingerprint());
          ins.setString(2, i.rule());
          ins.setString(3, i.labelsJson());
          ins.setString(4, i.state());
          ins.setLong(5, i.activeSince().toEpochMilli());
          if (i.firedAt() == null) {
            ins.setNull(6, java.sql.Types.INTEGER);
          } else {
            ins.setLong(6, i.firedAt().toEpochMilli());
          }
          ins.setLong(7, i.lastActive().toEpochMilli());
          ins.setDouble(8, i.value());
          ins.executeUpdate();
        }
        conn().commit();
      } catch (SQLException e) {
        throw rollback("cannot save alert instances", e);
      }
    }
  }

  /** Adds a sample of a KPI series and drops its samples older than {@code keepFrom}. */
  public void addSample(String series, Instant at, double value, Instant keepFrom) {
    synchronized (store) {
      try (PreparedStatement ins =
              conn().prepareStatement("INSERT OR REPLACE INTO kpi_samples VALUES (?,?,?)");
          PreparedStatement prune =
              conn().prepareStatement("DELETE FROM kpi_samples WHERE series=? AND at<?")) {
        ins.setString(1, series);
        ins.setLong(2, at.toEpochMilli());
        ins.setDouble(3, value);
        ins.executeUpdate();
        prune.setString(1, series);
        prune.setLong(2, keepFrom.toEpochMilli());
        prune.executeUpdate();
        conn().commit();
      } catch (SQLException e) {
        throw rollback("cannot save a KPI sample", e);
      }
    }
  }

  /** The samples of a series in {@code [from, to)}, oldest first. */
  public List<Sample> samples(String series, Instant from, Instant to) {
    synchronized (store) {
      try (PreparedStatement q =
          conn()
              .prepareStatement(
                  "SELECT at, value FROM kpi_samples WHERE series=? AND at>=? AND at<? ORDER BY"
                      + " at")) {
        q.setString(1, series);
        q.setLong(2, from.toEpochMilli());
        q.setLong(3, to.toEpochMilli());
        List<Sample> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            out.add(new Sample(Instant.ofEpochMilli(rs.getLong(1)), rs.getDouble(2)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw rollback("cannot read KPI samples", e);
      }
    }
  }

  /** One sampled KPI value. */
  public record Sample(Instant at, double value) {}

  /** When {@code notifier} last delivered the alert {@code fingerprint}. */
  public Optional<Instant> lastSent(String notifier, String fingerprint) {
    synchronized (store) {
      try (PreparedStatement q =
          conn()
              .prepareStatement(
                  "SELECT at FROM notifications_sent WHERE notifier=? AND fingerprint=?")) {
        q.setString(1, notifier);
        q.setString(2, fingerprint);
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
        }
      } catch (SQLException e) {
        throw rollback("cannot read a notification time", e);
      }
    }
  }

  /** Records a delivery. */
  public void sent(String notifier, String fingerprint, Instant at) {
    synchronized (store) {
      try (PreparedStatement q =
          conn().prepareStatement("INSERT OR REPLACE INTO notifications_sent VALUES (?,?,?)")) {
        q.setString(1, notifier);
        q.setString(2, fingerprint);
        q.setLong(3, at.toEpochMilli());
        q.executeUpdate();
        conn().commit();
      } catch (SQLException e) {
        throw rollback("cannot record a notification", e);
      }
    }
  }

  /** Forgets a delivery (after the resolve went out). */
  public void forget(String notifier, String fingerprint) {
    synchronized (store) {
      try (PreparedStatement q =
          conn()
              .prepareStatement(
                  "DELETE FROM notifications_sent WHERE notifier=? AND fingerprint=?")) {
        q.setString(1, notifier);
        q.setString(2, fingerprint);
        q.executeUpdate();
        conn().commit();
      } catch (SQLException e) {
        throw rollback("cannot forget a notification", e);
      }
    }
  }

  /** One row of {@code notifications_sent}: {@code notifier} last got {@code fingerprint} at. */
  public record SentRow(String notifier, String fingerprint, Instant at) {}

  /** Every recorded delivery of a firing alert (the delivery log a new HA leader hands over). */
  public List<SentRow> allSent() {
    synchronized (store) {
      try (Statement st = conn().createStatement();
          ResultSet rs =
              st.executeQuery("SELECT notifier, fingerprint, at FROM notifications_sent")) {
        List<SentRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(
              new SentRow(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
        }
        return out;
      } catch (SQLException e) {
        throw rollback("cannot read the notifications sent", e);
      }
    }
  }

  /**
   * Replaces every recorded delivery, alerts and reminders, in one transaction: what an HA replica
   * does when it takes over, with its predecessor's log.
   */
  public void replaceDeliveries(List<SentRow> sent, List<ReminderRow> reminders) {
    synchronized (store) {
      try (Statement del = conn().createStatement();
          PreparedStatement insSent =
              conn().prepareStatement("INSERT OR REPLACE INTO notifications_sent VALUES (?,?,?)");
          PreparedStatement insReminder =
              conn()
                  .prepareStatement(
                      "INSERT OR REPLACE INTO reminders_sent VALUES (?,?,?,?,?,?,?)")) {
        del.execute("DELETE FROM notifications_sent");
        del.execute("DELETE FROM reminders_sent");
        for (SentRow r : sent) {
          insSent.setString(1, r.notifier());
          insSent.setString(2, r.fingerprint());
          insSent.setLong(3, r.at().toEpochMilli());
          insSent.executeUpdate();
        }
        for (ReminderRow r : reminders) {
          bind(insReminder, r.key());
          insReminder.setLong(7, r.at().toEpochMilli());
          insReminder.executeUpdate();
        }
        conn().commit();
      } catch (SQLException e) {
        throw rollback("cannot replace the delivery log", e);
      }
    }
  }

  /** One delivered SLA reminder's identity: which ticket, which threshold, which due time. */
  public record ReminderKey(
      String rule, String source, String ticket, String notifier, String threshold, Instant due) {}

  /** When {@code key.notifier()} last got the reminder {@code key}, if ever. */
  public Optional<Instant> reminderSent(ReminderKey key) {
    synchronized (store) {
      try (PreparedStatement q =
          conn()
              .prepareStatement(
                  "SELECT at FROM reminders_sent WHERE rule=? AND source=? AND ticket=? AND"
                      + " notifier=? AND threshold=? AND due=?")) {
        bind(q, key);
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
        }
      } catch (SQLException e) {
        throw rollback("cannot read a reminder delivery", e);
      }
    }
  }

  /**
   * Records a delivered reminder (again: a repeated breach reminder moves its time), and forgets
   * deliveries older than {@code keepFrom}.
   */
  public void reminderSent(ReminderKey key, Instant at, Instant keepFrom) {
    synchronized (store) {
      try (PreparedStatement q =
              conn()
                  .prepareStatement(
                      "INSERT OR REPLACE INTO reminders_sent VALUES (?,?,?,?,?,?,?)");
          PreparedStatement prune =
              conn().prepareStatement("DELETE FROM reminders_sent WHERE at<?")) {
        bind(q, key);
        q.setLong(7, at.toEpochMilli());
        q.executeUpdate();
        prune.setLong(1, keepFrom.toEpochMilli());
        prune.executeUpdate();
        conn().commit();
      } catch (SQLException e) {
        throw rollback("cannot record a reminder delivery", e);
      }
    }
  }

  /** One row of {@code reminders_sent}: the reminder and when it was last delivered. */
  public record ReminderRow(ReminderKey key, Instant at) {}

  /** Every recorded reminder delivery. */
  public List<ReminderRow> allReminders() {
    synchronized (store) {
      try (Statement st = conn().createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT rule, source, ticket, notifier, threshold, due, at FROM reminders_sent")) {
        List<ReminderRow> out = new ArrayList<>();
        while (rs.next()) {
          out.add(
              new ReminderRow(
                  new ReminderKey(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      Instant.ofEpochMilli(rs.getLong(6))),
                  Instant.ofEpochMilli(rs.getLong(7))));
        }
        return out;
      } catch (SQLException e) {
        throw rollback("cannot read the reminders sent", e);
      }
    }
  }

  private static void bind(PreparedStatement q, ReminderKey k) throws SQLException {
    q.setString(1, k.rule());
    q.setString(2, k.source());
    q.setString(3, k.ticket());
    q.setString(4, k.notifier());
    q.setString(5, k.threshold());
    q.setLong(6, k.due().toEpochMilli());
  }

  private StoreException rollback(String what, SQLException e) {
    try {
      conn().rollback();
    } catch (SQLException ignored) {
      // the original error is the one worth reporting; the store reopens its connection
      store.markBroken();
    }
    return new StoreException(what, e);
  }
}
