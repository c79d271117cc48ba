package io.cxexporter.connector;

/**
 * Creates connectors of one {@code type}. Implementations are found with {@link
 * java.util.ServiceLoader} (listed in {@code META-INF/services/io.cxexporter.connector
 * .ConnectorFactory}).
 *
 * <pre>{@code
 * public final class DemoConnectorFactory implements ConnectorFactory {
 *   public String type() { return "demo"; }
 *   public Connector create(Settings s, ConnectorContext ctx) {
 *     long seed = s.longValue("seed", 42, 0, Long.MAX_VALUE);
 *     ...
 *   }
 * }
 * }</pre>
 */
public interface ConnectorFactory {

  /** The {@code type} this factory answers to in the config, e.g. {@code zendesk}. */
  String type();

  /**
   * Reads the connector's own keys from {@code settings} and builds the connector. Problems
   * (missing or bad keys) are reported through {@code settings}, not thrown; the caller discards
   * the result when there are any. Must do no I/O: {@code --config.check} calls it too.
   */
  Connector create(Settings settings, ConnectorContext ctx);
}
