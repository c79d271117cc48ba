package io.cxexporter.alerting.notify;

import io.cxexporter.alerting.Reminder;
import java.time.Instant;
import java.util.Optional;

/**
 * Which SLA reminders each notifier has got, and when: the {@link Dispatcher} sends a threshold
 * reminder to a notifier only when this log does not have it, and repeats a breach reminder only
 * after the repeat interval. Kept in the store, so a restart sends nothing twice. Safe for use by
 * several threads.
 */
public interface ReminderLog {
  /** When {@code notifier} last got the reminder {@code key}, if ever. */
  Optional<Instant> lastSent(String notifier, Reminder.Key key);

  /** Records a successful delivery. */
  void sent(String notifier, Reminder.Key key, Instant at);

  /** A log in memory: for tests, and for a run that needs no memory across restarts. */
  static ReminderLog inMemory() {
    java.util.Map<String, Instant> sent = new java.util.concurrent.ConcurrentHashMap<>();
    return new ReminderLog() {
      @Override
      public Optional<Instant> lastSent(String notifier, Reminder.Key key) {
        return Optional.ofNullable(sent.get(notifier + "\u0000" + key));
      }

      @Override
      public void sent(String notifier, Reminder.Key key, Instant at) {
        sent.put(notifier + "\u0000" + key, at);
      }
    };
  }
}
