package io.cxexporter.connector;

import java.time.Clock;
import java.util.Objects;

/**
 * What the exporter hands a connector when it creates it.
 *
 * @param clock the time source; connectors never call {@code Instant.now()} directly, so tests can
 *     drive them
 */
public record ConnectorContext(Clock clock) {
  public ConnectorContext {
    Objects.requireNonNull(clock, "clock");
  }
}
