package io.cxexporter.connector.demo;

/** The demo connector's five streams, with their stable names (the names key stored cursors). */
enum Feed {
  TICKETS("tickets"),
  SATISFACTION_RATINGS("satisfaction_ratings"),
  SURVEYS("surveys"),
  CUSTOMERS("customers"),
  DEALS("deals");

  private final String streamName;

  Feed(String streamName) {
    this.streamName = streamName;
  }

  /** The name of the stream, e.g. {@code satisfaction_ratings}. */
  String streamName() {
    return streamName;
  }
}
