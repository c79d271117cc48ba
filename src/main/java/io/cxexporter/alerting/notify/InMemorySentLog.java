package io.cxexporter.alerting.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link SentLog} in memory: for tests, and for a run without a store (a restart forgets it). */
public final class InMemorySentLog implements SentLog {
  private final Map<Key, Instant> sent = new ConcurrentHashMap<>();

  @Override
  public Optional<Instant> lastSent(String notifier, String fingerprint) {
    return Optional.ofNullable(sent.get(new Key(notifier, fingerprint)));
  }

  @Override
  public void sent(String notifier, String fingerprint, Instant at) {
    sent.put(new Key(notifier, fingerprint), at);
  }

  @Override
  public void forget(String notifier, String fingerprint) {
    sent.remove(new Key(notifier, fingerprint));
  }

  /** How many alerts are recorded, over all notifiers. */
  public int size() {
    return sent.size();
  }

  private record Key(String notifier, String fingerprint) {}
}
