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
 * Alerts held back by the repeat interval or the severity filter are not counted. Register once per
 * process; a reload calls {@link #initialize} for the new notifiers and {@link #retainOnly}.
 */
public final class NotifyMetrics {
  /** The counter's name. */
  public static final String NOTIFICATIONS = MetricNames.NOTIFICATIONS;

  /** The values of label {@code result}. */
  public static final List<String> RESULTS = List.of("sent", "failed", "dropped");

  private final Counter notifications;

  private NotifyMetrics(PrometheusRegistry registry) {
    notifications =
        Counter.builder()
            .name(NOTIFICATIONS)
            .help(
                "Alerts handed to a notifier, by result: sent (accepted by the receiver), failed"
                    + " (rejected, or failing after 5 attempts), dropped (queue full); per alert.")
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
      }
    }
  }

  /** Drops the series of notifiers a reload removed. */
  public void retainOnly(Collection<String> notifiers) {
    Set<String> keep = Set.copyOf(notifiers);
    notifications.removeIf(l -> !keep.contains(l.get(0)));
  }

  void count(String notifier, String result, int alerts) {
    if (alerts > 0) {
      notifications.labelValues(notifier, result).inc(alerts);
    }
  }

  /** The current count (creates the series at 0 when absent); for tests. */
  double value(String notifier, String result) {
    return notifications.labelValues(notifier, result).get();
  }
}
