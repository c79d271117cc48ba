package io.cxexporter.app;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import java.time.Duration;
import java.util.function.Function;

/**
 * One validated {@code connectors[i]} entry. Validation already built the connector once and found
 * no problems; {@link #create(ConnectorContext)} builds the instance that runs.
 *
 * @param name the {@code source} label
 * @param type the connector type, e.g. {@code zendesk}
 * @param pollInterval the wait between two syncs once a stream is caught up
 */
public record ConnectorSpec(
    String name,
    String type,
    Duration pollInterval,
    Function<ConnectorContext, Connector> factory) {

  /** A new running instance of this connector. */
  public Connector create(ConnectorContext ctx) {
    return factory.apply(ctx);
  }

  @Override
  public String toString() {
    return "ConnectorSpec[" + name + ", " + type + ", poll " + pollInterval + "]";
  }
}
