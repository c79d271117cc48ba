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
 * @param file the file that declares it: the main config's origin, or a file of {@code
 *     connector_files} as messages name it (e.g. {@code conf.d/acme.yml})
 * @param fingerprint a keyed digest of its block as read (environment variables substituted) and of
 *     the files its {@code *_file} keys name, so a reload sees a changed token file; null when
 *     unknown (never equal, the connector is restarted). Never shown: it covers secrets
 */
public record ConnectorSpec(
    String name,
    String type,
    Duration pollInterval,
    Function<ConnectorContext, Connector> factory,
    String file,
    String fingerprint) {

  /** A spec declared in an unnamed place, with no fingerprint (tests, tools). */
  public ConnectorSpec(
      String name, String type, Duration pollInterval, Function<ConnectorContext, Connector> f) {
    this(name, type, pollInterval, f, "", null);
  }

  /** A new running instance of this connector. */
  public Connector create(ConnectorContext ctx) {
    return factory.apply(ctx);
  }

  /**
   * Whether {@code other} runs exactly as this one would: same name, type, poll interval and block
   * (secrets and {@code *_file} contents included). A reload leaves such a connector running.
   */
  public boolean sameAs(ConnectorSpec other) {
    return fingerprint != null
        && name.equals(other.name)
        && type.equals(other.type)
        && pollInterval.equals(other.pollInterval)
        && fingerprint.equals(other.fingerprint);
  }

  @Override
  public String toString() {
    return "ConnectorSpec["
        + name
        + ", "
        + type
        + ", poll "
        + pollInterval
        + (file.isEmpty() ? "" : ", in " + file)
        + "]";
  }
}
