package io.cxexporter.alerting;

import io.cxexporter.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-ticket SLA reminders of the rules on {@code sla_at_risk_tickets} that set {@code
 * remind_before} or {@code remind_after_breach}: at each evaluation, which reminder each open
 * ticket the rule selects is due now. The {@code notify.Dispatcher} sends each at most once per
 * notifier (its delivery log is keyed by rule, source, ticket, notifier, threshold and due time).
 *
 * <pre>{@code
 * - alert: SlaDueSoon
 *   expr: {kpi: sla_at_risk_tickets, group: "*"}
 *   above: 0
 *   remind_before: [3h, 2h, 1h]
 *   remind_after_breach: true       # then every repeat_interval until solved
 * }</pre>
 *
 * <p>A ticket is proposed only its most urgent crossed threshold: with 1h 30m left and {@code [3h,
 * 2h, 1h]} that is {@code 2h}. Evaluated every {@code evaluation_interval}, each threshold is
 * crossed in turn; after a restart (or for a ticket first seen already close to its due time) the
 * ones passed while nobody looked are not sent as a burst, and the most urgent one is sent unless
 * it already was. A ticket past its due time gets no threshold reminder, only, with {@code
 * remind_after_breach}, the {@value Reminder#BREACHED} one, which the dispatcher repeats every
 * {@code repeat_interval} until the ticket is solved (leaves the open tickets) or its target is
 * met. Reminders do not depend on the rule's condition ({@code above}, ...), which still drives the
 * rule's own alert.
 */
public final class SlaReminders {
  private static final Logger LOG = LoggerFactory.getLogger(SlaReminders.class);

  private final List<AlertRule> rules;
  private final Supplier<List<DueTicket>> tickets;
  private final Clock clock;
  private final String generatorUrl;

  /**
   * @param tickets every open ticket with a running or breached SLA due time (see {@link
   *     TicketContext#dueTickets})
   * @param generatorUrl a link back to the exporter's status page
   */
  public SlaReminders(
      AlertingConfig config, Supplier<List<DueTicket>> tickets, Clock clock, String generatorUrl) {
    this.rules = config.rules().stream().filter(AlertRule::reminds).toList();
    this.tickets = tickets;
    this.clock = clock;
    this.generatorUrl = generatorUrl;
  }

  /** True when no rule reminds: {@link #due()} is always empty. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The reminders due now: at most one per rule and ticket. */
  public List<Reminder> due() {
    if (rules.isEmpty()) {
      return List.of();
    }
    List<DueTicket> open;
    try {
      open = tickets.get();
    } catch (RuntimeException e) {
      LOG.warn("no tickets for SLA reminders this time: {}", e.toString());
      return List.of();
    }
    Instant now = clock.instant();
    List<Reminder> out = new ArrayList<>();
    for (AlertRule rule : rules) {
      for (DueTicket t : open) {
        if (!selects(rule, t.labels())) {
          continue;
        }
        Duration left = Duration.between(now, t.ticket().dueAt());
        String threshold = threshold(rule, left);
        if (threshold != null) {
          out.add(reminder(rule, t, threshold, left, now));
        }
      }
    }
    return out;
  }

  /**
   * The most urgent threshold crossed with {@code left} to go, {@value Reminder#BREACHED}, or null.
   */
  static String threshold(AlertRule rule, Duration left) {
    if (left.isNegative() || left.isZero()) {
      return rule.remindAfterBreach() ? Reminder.BREACHED : null;
    }
    String crossed = null;
    for (Duration d : rule.remindBefore()) { // longest first: the last crossed is the most urgent
      if (left.compareTo(d) <= 0) {
        crossed = Settings.formatDuration(d);
      }
    }
    return crossed;
  }

  /** The rule's {@code expr} filters ({@code "*"}: any value) accept the ticket's labels. */
  private static boolean selects(AlertRule rule, Map<String, String> labels) {
    for (var f : rule.filters().entrySet()) {
      if (!f.getValue().equals("*") && !f.getValue().equals(labels.getOrDefault(f.getKey(), ""))) {
        return false;
      }
    }
    return true;
  }

  private Reminder reminder(
      AlertRule rule, DueTicket t, String threshold, Duration left, Instant now) {
    TicketRef ref = t.ticket();
    SortedMap<String, String> labels = new TreeMap<>();
    t.labels()
        .forEach(
            (k, v) -> {
              if (v != null && !v.isEmpty()) {
                labels.put(k, v);
              }
            });
    labels.putAll(rule.labels());
    labels.put("alertname", rule.name());
    labels.put("severity", rule.severity());
    labels.put("kpi", rule.kpi());
    labels.put("ticket_id", ref.id());
    boolean breached = threshold.equals(Reminder.BREACHED);
    String when =
        breached
            ? "SLA breached " + Format.duration(left.negated()) + " ago"
            : "SLA due in " + Format.duration(left);
    String title = "#" + ref.id() + (ref.subject() == null ? "" : " " + ref.subject().strip());
    Map<String, String> annotations = new LinkedHashMap<>(rule.annotations());
    annotations.put("summary", title + ": " + when);
    annotations.put(
        "description",
        "Ticket "
            + title
            + " ("
            + t.labels().get("source")
            + (ref.group() == null || ref.group().isEmpty() ? "" : ", " + ref.group())
            + ") is due at "
            + ref.dueAt()
            + (breached ? " and has breached its SLA" : ": the " + threshold + " reminder")
            + (ref.url() == null ? "" : ". " + ref.url()));
    annotations.put("reminder", threshold);
    annotations.put("due_at", ref.dueAt().toString());
    if (ref.url() != null) {
      annotations.put("ticket_url", ref.url());
    }
    double seconds = left.toMillis() / 1000.0;
    annotations.put("value", Format.number(seconds));
    annotations.put("condition", when);
    Alert alert =
        new Alert(labels, annotations, true, now, null, seconds, when, List.of(ref), generatorUrl);
    return new Reminder(
        alert,
        new Reminder.Key(rule.name(), t.labels().get("source"), ref.id(), threshold, ref.dueAt()));
  }
}
