package io.cxexporter.util;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock whose time is set by hand, for code that replays the past through components that read an
 * injected {@link Clock} (the KPI engine in {@code cx-exporter history}).
 *
 * <pre>{@code
 * SettableClock clock = new SettableClock(from);
 * KpiEngine kpi = new KpiEngine(config.kpi(), clock);
 * clock.set(t); // the engine's now is t
 * }</pre>
 */
public final class SettableClock extends Clock {
  private volatile Instant now;

  /** A clock that reads {@code now} until {@link #set}. */
  public SettableClock(Instant now) {
    this.now = Objects.requireNonNull(now, "now");
  }

  /** From now on the clock reads {@code t}. */
  public void set(Instant t) {
    now = Objects.requireNonNull(t, "t");
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return Clock.fixed(now, zone);
  }
}
