package io.cxexporter.connector;

import io.cxexporter.config.Settings;

/**
 * Creates connectors of one {@code type}, in two steps: {@link #parse} turns the config block into
 * the connector's own immutable options (validation only, no I/O, so {@code --config.check} and a
 * reload call it freely), then {@link #create} builds a running connector from options that parsed
 * without problems. Implementations are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.cxexporter.connector.ConnectorFactory}).
 *
 * <pre>{@code
 * public final class DemoConnectorFactory implements ConnectorFactory<DemoOptions> {
 *   public String type() { return "demo"; }
 *   public DemoOptions parse(Settings s) { return DemoOptions.read(s); }
 *   public Connector create(DemoOptions o, ConnectorContext ctx) { return new DemoConnector(o, ctx); }
 * }
 * }</pre>
 *
 * @param <O> the connector's validated options
 */
public interface ConnectorFactory<O> {

  /** The {@code type} this factory answers to in the config, e.g. {@code zendesk}. */
  String type();

  /**
   * Reads the connector's keys from its block. Every problem (a missing, malformed or unknown key)
   * is reported through {@code settings} with its path, not thrown; the caller never passes options
   * to {@link #create} when there were any. Does no I/O beyond reading {@code *_file} secrets.
   */
  O parse(Settings settings);

  /** Builds a running connector from options that parsed without problems. Does no I/O. */
  Connector create(O options, ConnectorContext ctx);
}
