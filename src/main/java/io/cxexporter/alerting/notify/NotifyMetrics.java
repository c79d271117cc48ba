package io.cxexporter.alerting.notify;

import io.cxexporter.metrics.MetricNames;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * {@code cx_notifications_total{notifier, result}}: alerts per notifier by outcome, counted per
 * alert (a batch of three alerts that goes through adds 3 to {@code sent}). Results:
 *
 * <ul>
 *   <li>{@code sent}: the receiver accepted it;
 *   <li>{@code failed}: rejected (4xx) or still failing after the last retry;
 *   <li>{@code dropped}: the notifier's queue was full (oldest batch dropped) or the dispatcher was
 *       closing.
 * </ul>
 *
 * Alerts held back by the repeat interval or the severity filter are not counted. SLA reminders are
 * counted apart, the same way, in {@code cx_reminders_total{notifier, result}}. Register once per
 * process; a reload calls {@link #initialize} for the new notifiers and {@link #retainOnly}.
 */
public final class NotifyMetrics {
  /** The counter's name. */
  public static final String NOTIFICATIONS = MetricNames.NOTIFICATIONS;

  /** The values of label {@code result}. */
  public static final List<String> RESULTS = List.of("sent", "failed", "dropped");

  /** The SLA reminders counter's name. */
  public static final String REMINDERS = MetricNames.REMINDERS;

  private final Counter notifications;
  private final Counter reminders;

  private NotifyMetrics(PrometheusRegistry registry) {
    notifications =
        Counter.builder()
            .name(NOTIFICATIONS)
            .help(
                "Alerts handed to a notifier, by result: sent (accepted by the receiver), failed"
                    + " (rejected, or failing after 5 attempts), dropped (queue full); per alert.")
            .labelNames("notifier", "result")
            .register(registry);
    reminders =
        Counter.builder()
            .name(REMINDERS)
            .help(
                "SLA reminders (remind_before, remind_after_breach) handed to a notifier, by"
                    + " result: sent, failed (rejected, or failing after 5 attempts), dropped"
                    + " (queue full); per reminder.")
            .labelNames("notifier", "result")
            .register(registry);
  }

  /** Registers the counter. */
  public static NotifyMetrics register(PrometheusRegistry registry) {
    return new NotifyMetrics(registry);
  }

  /** Starts every result of these notifiers at 0, so rates and alerts see them from the start. */
  public void initialize(Collection<String> notifiers) {
    for (String n : notifiers) {
      for (String r : RESULTS) {
        notifications.labelValues(n, r);
        reminders.labelValues(n, r);
      }
    }
  }

  /** Drops the series of notifiers a reload removed. */
  public void retainOnly(Collection<String> notifiers) {
    Set<String> keep = Set.copyOf(notifiers);
    notifications.removeIf(l -> !keep.contains(l.get(0)));
    reminders.removeIf(l -> !keep.contains(l.get(0)));
  }

  void count(String notifier, String result, int alerts) {
    if (alerts > 0) {
      notifications.labelValues(notifier, result).inc(alerts);
    }
  }

  void countReminders(String notifier, String result, int n) {
    if (n > 0) {
      reminders.labelValues(notifier, result).inc(n);
    }
  }

  /** The current reminder count (creates the series at 0 when absent); for tests. */
  double reminders(String notifier, String result) {
    return reminders.labelValues(notifier, result).get();
  }

  /** The current count (creates the series at 0 when absent); for tests. */
  double value(String notifier, String result) {
    return notifications.labelValues(notifier, result).get();
  }
}
