package io.cxexporter.connector.demo;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.Stream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in simulated helpdesk and CRM. Its five streams ({@code tickets}, {@code
 * satisfaction_ratings}, {@code surveys}, {@code customers}, {@code deals}) are read like a real
 * vendor's, but every record is a deterministic function of the seed, the options and the clock.
 *
 * <p>The simulation is anchored at the instant this connector was created (its origin): history
 * covers {@code origin - backfill} up to the origin, live activity follows. A cursor carries its
 * origin, so streams resumed after a restart keep the simulation they started with; each distinct
 * origin gets its own {@link World}, and only the few most recent are kept.
 */
final class DemoConnector implements Connector {
  private static final int MAX_WORLDS = 3;

  private final String name;
  private final DemoOptions options;
  private final long createdAt;
  private final List<Stream> streams;
  private final SimulatedApi api;
  private final Map<Long, World> worlds =
      new LinkedHashMap<>(4, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, World> eldest) {
          return size() > MAX_WORLDS;
        }
      };

  DemoConnector(String name, DemoOptions options, Clock clock, RequestListener requests) {
    this.name = name;
    this.api = new SimulatedApi(requests, clock);
    this.options = options;
    this.createdAt = clock.millis();
    List<Stream> s = new ArrayList<>();
    for (Feed f : Feed.values()) {
      s.add(new DemoStream(this, f, clock));
    }
    this.streams = List.copyOf(s);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CheckResult check() {
    return CheckResult.ok("simulated helpdesk (seed " + options.seed() + ")");
  }

  @Override
  public List<Stream> streams() {
    return streams;
  }

  @Override
  public void close() {
    synchronized (worlds) {
      worlds.clear();
    }
  }

  /** Accounts for the simulated API requests. */
  SimulatedApi api() {
    return api;
  }

  /** The options this connector runs with. */
  DemoOptions options() {
    return options;
  }

  /** When this connector was created: the origin of the simulation a new backfill starts. */
  long createdAt() {
    return createdAt;
  }

  /** The simulation anchored at {@code origin}, created on first use. */
  World world(long origin) {
    synchronized (worlds) {
      return worlds.computeIfAbsent(origin, o -> new World(options, o));
    }
  }
}
