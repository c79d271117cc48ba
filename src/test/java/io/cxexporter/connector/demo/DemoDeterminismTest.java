package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.DemoFixtures.FIXED;
import static io.cxexporter.connector.demo.DemoFixtures.readAll;
import static io.cxexporter.connector.demo.DemoFixtures.records;
import static io.cxexporter.connector.demo.DemoFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Same seed and clock, same records; a cursor is all a new connector needs to continue. */
class DemoDeterminismTest {
  static final List<String> STREAMS =
      List.of("tickets", "satisfaction_ratings", "surveys", "customers", "deals");

  static final Map<String, Object> SMALL = Map.of("backfill", "7d", "page_size", 200);

  @Test
  void sameSeedAndClockGiveIdenticalPages() {
    Connector a = DemoFixtures.connector(FIXED, SMALL);
    Connector b = DemoFixtures.connector(FIXED, SMALL);

    for (String name : STREAMS) {
      assertThat(readAll(stream(a, name), Cursor.START))
          .as(name)
          .isEqualTo(readAll(stream(b, name), Cursor.START));
    }
  }

  @Test
  void aDifferentSeedGivesDifferentTickets() {
    Connector a = DemoFixtures.connector(FIXED, Map.of("backfill", "2d", "seed", 1));
    Connector b = DemoFixtures.connector(FIXED, Map.of("backfill", "2d", "seed", 2));

    assertThat(records(readAll(stream(a, "tickets"), Cursor.START)))
        .isNotEqualTo(records(readAll(stream(b, "tickets"), Cursor.START)));
  }

  @Test
  void readingStreamsInAnotherOrderChangesNothing() {
    Connector a = DemoFixtures.connector(FIXED, SMALL);
    Connector b = DemoFixtures.connector(FIXED, SMALL);
    readAll(stream(b, "surveys"), Cursor.START);
    readAll(stream(b, "satisfaction_ratings"), Cursor.START);

    assertThat(readAll(stream(b, "tickets"), Cursor.START))
        .isEqualTo(readAll(stream(a, "tickets"), Cursor.START));
  }

  @Test
  void readingAllStreamsAtOnceFromSeveralThreadsChangesNothing() throws Exception {
    Connector sequential = DemoFixtures.connector(FIXED, SMALL);
    Connector concurrent = DemoFixtures.connector(FIXED, SMALL);
    ExecutorService pool = Executors.newFixedThreadPool(STREAMS.size());
    try {
      Map<String, Future<List<Page>>> read = new HashMap<>();
      for (String name : STREAMS) {
        read.put(name, pool.submit(() -> readAll(stream(concurrent, name), Cursor.START)));
      }
      for (String name : STREAMS) {
        assertThat(read.get(name).get(30, TimeUnit.SECONDS))
            .as(name)
            .isEqualTo(readAll(stream(sequential, name), Cursor.START));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNewConnectorContinuesFromAStoredCursorExactlyAsTheFirstWould() {
    Map<String, Object> options = Map.of("backfill", "7d", "page_size", 20);
    for (String name : STREAMS) {
      List<Page> all = readAll(stream(DemoFixtures.connector(FIXED, options), name), Cursor.START);
      assertThat(all).as(name).hasSizeGreaterThan(2);
      int k = (all.size() - 1) / 2;
      Stream restarted = stream(DemoFixtures.connector(FIXED, options), name);

      assertThat(readAll(restarted, all.get(k).next()))
          .as(name + " after page " + k + " of " + all.size())
          .isEqualTo(all.subList(k + 1, all.size()));
    }
  }

  @Test
  void aResumedStreamKeepsTheSimulationItStartedEvenWithSpeedup() {
    Map<String, Object> options = Map.of("backfill", "1d", "speedup", 10);
    MutableClock clock = MutableClock.at("2026-11-18T10:00:00Z");
    Stream first = stream(DemoFixtures.connector(clock, options), "tickets");
    Cursor caughtUp = DemoFixtures.end(readAll(first, Cursor.START));
    clock.advance(Duration.ofHours(2));
    // the exporter restarts two hours later: a new connector, created at a later instant
    Stream second = stream(DemoFixtures.connector(clock, options), "tickets");

    assertThat(readAll(second, caughtUp)).isEqualTo(readAll(first, caughtUp));
  }

  @Test
  void anUnreadableCursorStartsTheBackfillAgain() {
    Stream s = stream(DemoFixtures.connector(FIXED, SMALL), "deals");

    assertThat(readAll(s, new Cursor("after_cursor=xyz"))).isEqualTo(readAll(s, Cursor.START));
  }

  @Test
  void theCursorIsReadable() {
    Stream s = stream(DemoFixtures.connector(FIXED, SMALL), "deals");

    assertThat(DemoFixtures.end(readAll(s, Cursor.START)).value())
        .isEqualTo(
            "at=2026-11-18T10:00:00Z;origin=2026-11-18T10:00:00Z;settled=2026-10-13T12:00:00Z");
  }

  @Test
  void readingLivePastTheDrawingHorizonMissesNoVersion() {
    // a live read draws each hour only up to a day past its clock, so these four days draw every
    // hour again four times: what it delivers must be what one read at the end delivers
    Map<String, Object> options = Map.of("backfill", "3d", "tickets_per_day", 240);
    MutableClock clock = MutableClock.at("2026-11-18T10:00:00Z");
    Connector live = DemoFixtures.connector(clock, options);
    Connector late = DemoFixtures.connector(clock, options);
    Map<String, Cursor> at = new HashMap<>();
    Map<String, List<Page>> delivered = new HashMap<>();
    for (int step = 0; step < 20; step++) {
      if (step > 0) {
        clock.advance(Duration.ofHours(5));
      }
      for (String name : STREAMS) {
        List<Page> pages = readAll(stream(live, name), at.getOrDefault(name, Cursor.START));
        delivered.computeIfAbsent(name, k -> new java.util.ArrayList<>()).addAll(pages);
        at.put(name, DemoFixtures.end(pages));
      }
    }
    for (String name : STREAMS) {
      assertThat(DemoFixtures.latest(delivered.get(name)))
          .as(name)
          .isNotEmpty()
          .isEqualTo(DemoFixtures.latest(readAll(stream(late, name), Cursor.START)));
    }
  }

  @Test
  void aReadAfterDaysWithoutAnyGetsWhatAFreshConnectorGets() {
    // nothing read for four days: one read then spans the horizons of hours drawn four days ago
    // (its first day needs no new drawing, the next ones draw again what the first day took)
    Map<String, Object> options =
        Map.of("backfill", "3d", "tickets_per_day", 240, "page_size", 5000);
    MutableClock clock = MutableClock.at("2026-11-18T10:00:00Z");
    Connector live = DemoFixtures.connector(clock, options);
    Connector late = DemoFixtures.connector(clock, options);
    Map<String, Cursor> at = new HashMap<>();
    for (String name : STREAMS) {
      at.put(name, DemoFixtures.end(readAll(stream(live, name), Cursor.START)));
    }
    clock.advance(Duration.ofDays(4));

    for (String name : STREAMS) {
      List<Page> pages = readAll(stream(live, name), at.get(name));
      assertThat(pages).as(name).isNotEmpty();
      assertThat(pages).as(name).isEqualTo(readAll(stream(late, name), at.get(name)));
    }
  }

  @Test
  void aRestartDrawsOnlyTheHoursTheCursorDoesNotCallSettledAndReadsTheSame() {
    Map<String, Object> options = Map.of("backfill", "30d", "tickets_per_day", 40);
    MutableClock clock = MutableClock.at("2026-11-18T10:00:00Z");
    Cursor caughtUp =
        DemoFixtures.end(
            readAll(stream(DemoFixtures.connector(clock, options), "tickets"), Cursor.START));
    DemoCursor hinted = DemoCursor.decode(caughtUp.value());
    assertThat(hinted.settled()).isNotEqualTo(DemoCursor.UNKNOWN);
    // a ticket can change for 50 days, but the oldest one still open is far younger
    assertThat(hinted.settled())
        .isGreaterThan(Math.floorDiv(hinted.position() - 30 * Rng.DAY, Rng.HOUR));
    clock.advance(Duration.ofHours(3));
    DemoConnector withHint = (DemoConnector) DemoFixtures.connector(clock, options);
    DemoConnector without = (DemoConnector) DemoFixtures.connector(clock, options);

    List<Page> hintedPages = readAll(stream(withHint, "tickets"), caughtUp);
    List<Page> plainPages =
        readAll(
            stream(without, "tickets"),
            new DemoCursor(hinted.position(), hinted.origin()).encode());

    assertThat(DemoFixtures.records(hintedPages))
        .isNotEmpty()
        .isEqualTo(DemoFixtures.records(plainPages));
    assertThat(DemoFixtures.end(hintedPages)).isEqualTo(DemoFixtures.end(plainPages));
    int drawn = withHint.world(hinted.origin()).hoursHeld(Feed.TICKETS);
    int all = without.world(hinted.origin()).hoursHeld(Feed.TICKETS);
    assertThat(drawn).isLessThan(all / 2);
  }
}
