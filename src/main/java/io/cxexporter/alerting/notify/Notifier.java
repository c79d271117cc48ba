package io.cxexporter.alerting.notify;

import io.cxexporter.alerting.Alert;
import java.util.List;
import java.util.Set;

/**
 * Delivers alerts to one receiver. Implementations only build and send the request; retries,
 * queueing, repeat intervals and the severity filter are the {@link Dispatcher}'s.
 */
public interface Notifier {
  /** The configured name ({@code notifiers[i].name}), a metric label. */
  String name();

  /** The type: {@code alertmanager}, {@code webhook}, {@code slack}, {@code pagerduty}. */
  String type();

  /** Severities this notifier gets; empty means all. */
  Set<String> severities();

  /**
   * The labels an alert needs to reach this notifier ({@code match}, {@code match_re}); {@link
   * Route#ALL} for a catch-all, which gets only the alerts no routed notifier takes.
   */
  default Route route() {
    return Route.ALL;
  }

  /**
   * True when the receiver forgets alerts that are not re-sent (Alertmanager expires them): the
   * dispatcher then re-sends every firing alert on every evaluation. Otherwise an unchanged firing
   * alert is re-sent only after the repeat interval.
   */
  boolean resendWhileFiring();

  /**
   * Sends a batch (firing and resolved alerts of one evaluation).
   *
   * @throws DeliveryException with {@link DeliveryException#retryable()} for 5xx, 429, timeouts and
   *     connection errors; not retryable for other 4xx
   */
  void send(List<Alert> alerts) throws DeliveryException;
}
