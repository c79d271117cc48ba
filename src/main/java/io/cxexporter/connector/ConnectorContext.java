package io.cxexporter.connector;

import io.cxexporter.util.Sleeper;
import java.time.Clock;
import java.util.Objects;

/**
 * What the exporter hands a connector when it creates it: time, waiting and request reporting, so
 * that tests drive a connector without real time passing.
 *
 * @param clock the time source; connectors never call {@code Instant.now()} directly
 * @param requests where the connector reports its requests and rate-limit budget
 * @param sleeper how the connector waits (backoff, {@code Retry-After}, rate limits); tests pass
 *     one that advances their clock instead of sleeping
 * @param limits caps on the connector's HTTP attempts, waits and timeouts, or null for its own
 *     settings; {@code probe} passes {@link RequestLimits#PROBE} so a failing vendor answers fast
 */
public record ConnectorContext(
    Clock clock, RequestListener requests, Sleeper sleeper, RequestLimits limits) {
  public ConnectorContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(sleeper, "sleeper");
  }

  /** A context with the connector's own HTTP settings, uncapped. */
  public ConnectorContext(Clock clock, RequestListener requests, Sleeper sleeper) {
    this(clock, requests, sleeper, null);
  }

  /** A context that reports requests to {@code requests} and sleeps for real. */
  public ConnectorContext(Clock clock, RequestListener requests) {
    this(clock, requests, Sleeper.SYSTEM);
  }

  /** A context that reports requests nowhere (tests, {@code --config.check}). */
  public ConnectorContext(Clock clock) {
    this(clock, RequestListener.NONE);
  }
}
