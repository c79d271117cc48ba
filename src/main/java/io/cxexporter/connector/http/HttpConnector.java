package io.cxexporter.connector.http;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Stream;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A running HTTP connector: its name, its streams, a cheap probe for {@link #check()} and how a
 * ticket id becomes a link into the vendor's agent UI. Every vendor's factory ends with one, so no
 * vendor writes the same connector class again.
 *
 * <pre>{@code
 * return new HttpConnector(
 *     name,
 *     streams,
 *     () -> CheckResult.ok("signed in as " + api.get("me", meUrl).body().path("name").asText()),
 *     id -> base.newBuilder().addPathSegments("a/tickets").addPathSegment(id).toString());
 * }</pre>
 */
public final class HttpConnector implements Connector {

  /** Asks the vendor who we are; a refused request is a failed check with its message. */
  @FunctionalInterface
  public interface Probe {
    CheckResult check() throws ConnectorException;
  }

  private final String name;
  private final List<Stream> streams;
  private final Probe probe;
  private final UnaryOperator<String> ticketUrl;

  /**
   * @param ticketUrl a ticket id → its link in the vendor's UI
   */
  public HttpConnector(
      String name, List<Stream> streams, Probe probe, UnaryOperator<String> ticketUrl) {
    this.name = Objects.requireNonNull(name, "name");
    this.streams = List.copyOf(streams);
    this.probe = Objects.requireNonNull(probe, "probe");
    this.ticketUrl = Objects.requireNonNull(ticketUrl, "ticketUrl");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CheckResult check() {
    try {
      return probe.check();
    } catch (ConnectorException e) {
      return CheckResult.failed(e.getMessage());
    }
  }

  @Override
  public List<Stream> streams() {
    return streams;
  }

  @Override
  public String ticketUrl(String ticketId) {
    return ticketUrl.apply(ticketId);
  }

  /** The shared HTTP client needs no release; nothing else is held. */
  @Override
  public void close() {}
}
