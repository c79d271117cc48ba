package io.cxexporter.connector;

import java.util.List;

/**
 * One configured source: knows one vendor's API and maps it to the normalized model. The sync
 * engine, not the connector, schedules reads, times them and reports their metrics.
 */
public interface Connector extends AutoCloseable {

  /** The configured name; becomes the {@code source} label. */
  String name();

  /** A cheap probe that the API answers with these credentials (e.g. "who am I"). */
  CheckResult check();

  /** The streams this connector reads, in a fixed order. */
  List<Stream> streams();

  /**
   * A link to the ticket in the vendor's agent UI, for alert notifications; null when the vendor
   * has none (the demo).
   */
  default String ticketUrl(String ticketId) {
    return null;
  }

  /** Releases HTTP clients and threads; does not throw. */
  @Override
  void close();
}
