package io.cxexporter.alerting;

import java.time.Instant;
import java.util.Objects;

/**
 * One SLA reminder about one ticket, as the notifiers get it: an {@link Alert} (label {@code
 * ticket_id}, annotations {@code reminder} and {@code due_at}) and the key its deliveries are
 * logged under, so none goes out twice, across restarts too.
 *
 * @param alert what the notifiers send (always firing; a reminder is never resolved)
 * @param key what makes it unique
 */
public record Reminder(Alert alert, Key key) {
  /** The threshold of a reminder about a ticket that already breached. */
  public static final String BREACHED = "breached";

  public Reminder {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(key, "key");
  }

  /**
   * A reminder's identity, per notifier in the delivery log. A due time moved by the vendor makes a
   * new key, so the ticket gets its reminders again.
   *
   * @param rule the rule's {@code alertname}
   * @param source the connector
   * @param ticketId the vendor's ticket id
   * @param threshold {@code remind_before} entry as written back ({@code 3h}, {@code 90m}), or
   *     {@value #BREACHED}
   * @param dueAt the SLA due time the reminder is about
   */
  public record Key(String rule, String source, String ticketId, String threshold, Instant dueAt) {
    public Key {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(ticketId, "ticketId");
      Objects.requireNonNull(threshold, "threshold");
      Objects.requireNonNull(dueAt, "dueAt");
    }

    /** True for the re-announcement of a breached ticket (repeated), not a one-off threshold. */
    public boolean breached() {
      return threshold.equals(BREACHED);
    }
  }
}
