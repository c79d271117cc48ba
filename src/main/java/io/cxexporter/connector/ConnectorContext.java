package io.cxexporter.connector;

import java.time.Clock;
import java.util.Objects;

/**
 * What the exporter hands a connector when it creates it.
 *
 * @param clock the time source; connectors never call {@code Instant.now()} directly, so tests can
 *     drive them
 * @param requests where the connector reports its requests and rate-limit budget
 */
public record ConnectorContext(Clock clock, RequestListener requests) {
  public ConnectorContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(requests, "requests");
  }

  /** A context that reports requests nowhere (tests, {@code --config.check}). */
  public ConnectorContext(Clock clock) {
    this(clock, RequestListener.NONE);
  }
}
