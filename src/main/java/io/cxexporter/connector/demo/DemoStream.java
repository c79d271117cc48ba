package io.cxexporter.connector.demo;

import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of the demo connector. It keeps no position of its own: the cursor names the
 * simulation (its origin) and the last delivered instant, and {@link Cursor#START} begins a
 * backfill of the connector's own simulation at {@code origin - backfill}.
 */
final class DemoStream implements Stream {
  private static final Logger LOG = LoggerFactory.getLogger(DemoStream.class);

  private final DemoConnector connector;
  private final Feed feed;
  private final Clock clock;

  DemoStream(DemoConnector connector, Feed feed, Clock clock) {
    this.connector = connector;
    this.feed = feed;
    this.clock = clock;
  }

  @Override
  public String name() {
    return feed.streamName();
  }

  @Override
  public Page read(Cursor from) {
    long now = clock.millis();
    connector.api().request("demo/" + name());
    DemoCursor c = null;
    if (!from.isStart()) {
      try {
        c = DemoCursor.decode(from.value());
      } catch (IllegalArgumentException e) {
        // not ours (the connector's type changed under the same name): start over
        LOG.warn(
            "{}/{}: {}; starting the backfill again", connector.name(), name(), e.getMessage());
      }
    }
    World world = connector.world(c == null ? connector.createdAt() : c.origin());
    return c == null
        ? world.read(feed, world.start(), now, DemoCursor.UNKNOWN)
        : world.read(feed, c.position(), now, c.settled());
  }

  @Override
  public String toString() {
    return connector.name() + "/" + name();
  }
}
