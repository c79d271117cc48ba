package io.cxexporter.connector.demo;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.Settings;

/**
 * Builds the {@code demo} connector: a simulated helpdesk and CRM that needs no account. Creating
 * it is cheap and does no I/O; nothing is simulated until a stream is read.
 *
 * <pre>{@code
 * Problems problems = new Problems();
 * Connector demo = new DemoConnectorFactory()
 *     .create(Settings.empty("connectors[0]", problems), new ConnectorContext(Clock.systemUTC()));
 * Page first = demo.streams().get(0).read(Cursor.START); // the oldest tickets of 30 days
 * }</pre>
 *
 * <p>Options (all optional) are described on {@link DemoOptions}; bad values are reported through
 * the settings with their path, e.g. {@code connectors[0].tickets_per_day: must be between 1 and
 * 100000, got 0}.
 */
public final class DemoConnectorFactory implements ConnectorFactory {

  @Override
  public String type() {
    return "demo";
  }

  @Override
  public Connector create(Settings settings, ConnectorContext ctx) {
    String name = settings.string("name", "demo");
    return new DemoConnector(name, DemoOptions.read(settings), ctx.clock(), ctx.requests());
  }
}
