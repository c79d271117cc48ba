package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.DemoFixtures.readAll;
import static io.cxexporter.connector.demo.DemoFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.Connector;
import io.cxexporter.model.Cursor;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the demo holds in a long live run (speed is measured in bench/, never by a timed test). */
class DemoCostIT {

  @Test
  void aLongLiveRunHoldsABoundedWindowAndDrawsForgottenHoursAgainIdentically() {
    MutableClock clock = MutableClock.at("2026-11-18T10:00:00Z");
    Connector c = DemoFixtures.connector(clock);
    DemoConnector demo = (DemoConnector) c;
    Map<String, Cursor> cursors = DemoLiveTest.catchUp(c, Map.of());
    Map<String, Cursor> dayTen = new HashMap<>();
    Map<String, Cursor> before = cursors;
    for (int halfDay = 1; halfDay <= 300; halfDay++) {
      clock.advance(Duration.ofHours(12));
      before = cursors;
      cursors = DemoLiveTest.catchUp(c, cursors);
      if (halfDay == 20) {
        dayTen.putAll(cursors);
      }
    }
    World world = demo.world(demo.createdAt());

    // a ticket can change for 50 days: at most 51 days of hours stay, not the 150 days run
    assertThat(world.hoursHeld(Feed.TICKETS)).isLessThanOrEqualTo(52 * 24);
    // and of those only the records that can still change: about a week of arrivals
    assertThat(world.recordsHeld(Feed.TICKETS)).isLessThan(14 * 240);
    Connector fresh = DemoFixtures.connector(clock);
    // the last half day again, from where it started: the long-running connector reads it from
    // records it shortened (versions before the readers' positions dropped), the fresh one draws
    for (String name : before.keySet()) {
      assertThat(readAll(stream(c, name), before.get(name)))
          .as(name)
          .isNotEmpty()
          .isEqualTo(readAll(stream(DemoFixtures.connector(clock), name), before.get(name)));
    }
    assertThat(readAll(stream(c, "tickets"), dayTen.get("tickets")))
        .isEqualTo(readAll(stream(fresh, "tickets"), dayTen.get("tickets")));
  }
}
