package io.cxexporter.alerting.notify;

import java.time.Instant;
import java.util.Optional;

/**
 * Which firing alerts each notifier has delivered, and when: the {@link Dispatcher} re-sends an
 * unchanged firing alert only after the repeat interval, and sends a resolve only for an alert it
 * had sent as firing. Kept in the store, it keeps a restart from paging again. Implementations must
 * be safe for use by several threads (one dispatcher worker per notifier).
 */
public interface SentLog {
  /** When {@code fingerprint} was last delivered, firing, to {@code notifier}. */
  Optional<Instant> lastSent(String notifier, String fingerprint);

  /** Records a successful delivery of a firing alert. */
  void sent(String notifier, String fingerprint, Instant at);

  /** Forgets an alert once its resolve has gone out (or could not). */
  void forget(String notifier, String fingerprint);
}
