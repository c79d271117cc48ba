package io.cxexporter.connector.demo;

import io.cxexporter.config.Settings;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorFactory;

/**
 * Builds the {@code demo} connector: a simulated helpdesk and CRM that needs no account. Creating
 * it is cheap and does no I/O; nothing is simulated until a stream is read.
 *
 * <pre>{@code
 * DemoConnectorFactory f = new DemoConnectorFactory();
 * Connector demo = f.create(f.parse(Settings.empty("connectors[0]", new Problems())),
 *     new ConnectorContext(Clock.systemUTC()));
 * Page first = demo.streams().get(0).read(Cursor.START); // the oldest tickets of 30 days
 * }</pre>
 *
 * <p>Options (all optional) are described on {@link DemoOptions}; bad values are reported through
 * the settings with their path, e.g. {@code connectors[0].tickets_per_day: must be between 1 and
 * 100000, got 0}.
 */
public final class DemoConnectorFactory implements ConnectorFactory<DemoConnectorFactory.Parsed> {

  /** A {@code demo} block, validated: its name and its options. */
  record Parsed(String name, DemoOptions options) {}

  @Override
  public String type() {
    return "demo";
  }

  @Override
  public Parsed parse(Settings settings) {
    return new Parsed(settings.string("name", "demo"), DemoOptions.read(settings));
  }

  @Override
  public Connector create(Parsed p, ConnectorContext ctx) {
    return new DemoConnector(p.name(), p.options(), ctx.clock(), ctx.requests());
  }
}
