package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.DemoFixtures.latest;
import static io.cxexporter.connector.demo.DemoFixtures.readAll;
import static io.cxexporter.connector.demo.DemoFixtures.records;
import static io.cxexporter.connector.demo.DemoFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** After the backfill, each poll reads what changed since the last one, as the clock moves. */
class DemoLiveTest {
  static final Instant T = Instant.parse("2026-11-18T10:00:00Z"); // Wednesday 11:00 in Ljubljana

  /** Reads every stream of {@code c} until caught up; returns each stream's cursor. */
  static Map<String, Cursor> catchUp(Connector c, Map<String, Cursor> from) {
    Map<String, Cursor> out = new HashMap<>();
    for (Stream s : c.streams()) {
      out.put(s.name(), DemoFixtures.end(readAll(s, from.getOrDefault(s.name(), Cursor.START))));
    }
    return out;
  }

  /** The tickets created in the hour after {@link #T}, as read live with this speedup. */
  static List<Ticket> newTicketsInAnHour(double speedup) {
    MutableClock clock = new MutableClock(T);
    Connector c = DemoFixtures.connector(clock, Map.of("backfill", "1d", "speedup", speedup));
    Stream tickets = stream(c, "tickets");
    Cursor caughtUp = DemoFixtures.end(readAll(tickets, Cursor.START));
    clock.advance(Duration.ofHours(1));
    return latest(readAll(tickets, caughtUp)).values().stream()
        .filter(r -> r instanceof Ticket t && t.createdAt().isAfter(T))
        .map(r -> (Ticket) r)
        .toList();
  }

  @Test
  void anHourLaterOnlyRecordsChangedInThatHourAreRead() {
    MutableClock clock = new MutableClock(T);
    Connector c = DemoFixtures.connector(clock, Map.of("backfill", "3d"));
    Map<String, Cursor> cursors = catchUp(c, Map.of());
    clock.advance(Duration.ofHours(1));

    for (Stream s : c.streams()) {
      List<Page> pages = readAll(s, cursors.get(s.name()));
      assertThat(records(pages))
          .as(s.name())
          .allMatch(r -> r.updatedAt().isAfter(T) && !r.updatedAt().isAfter(clock.instant()));
    }
    List<Record> tickets = records(readAll(stream(c, "tickets"), cursors.get("tickets")));
    assertThat(tickets).anyMatch(r -> r instanceof Ticket t && t.createdAt().isAfter(T));
    assertThat(tickets).anyMatch(r -> r instanceof Ticket t && t.createdAt().isBefore(T));
  }

  @Test
  void aBusyHourBringsNewTicketsAtTheUsualRate() {
    // 240 a day on average over the week: about 30 in the 11:00 peak of a weekday
    assertThat(newTicketsInAnHour(1)).hasSizeBetween(15, 50);
  }

  @Test
  void speedupTenBringsAboutTenTimesTheNewTickets() {
    assertThat(newTicketsInAnHour(10).size()).isGreaterThan(5 * newTicketsInAnHour(1).size());
  }

  @Test
  void speedupMakesLiveTicketsMoveFaster() {
    List<Ticket> fast = newTicketsInAnHour(50);
    List<Ticket> normal = newTicketsInAnHour(1);

    assertThat(fast.stream().filter(t -> !t.isOpen()).count() / (double) fast.size())
        .isGreaterThan(normal.stream().filter(t -> !t.isOpen()).count() / (double) normal.size());
  }

  @Test
  void speedupDoesNotChangeHistory() {
    MutableClock clock = new MutableClock(T);
    Connector normal = DemoFixtures.connector(clock, Map.of("backfill", "2d"));
    Connector fast = DemoFixtures.connector(clock, Map.of("backfill", "2d", "speedup", 10));

    assertThat(readAll(stream(fast, "tickets"), Cursor.START))
        .isEqualTo(readAll(stream(normal, "tickets"), Cursor.START));
  }

  @Test
  void frequentPollsEndInTheSameStateAsOneLatePoll() {
    MutableClock clock = new MutableClock(T);
    Connector c = DemoFixtures.connector(clock, Map.of("backfill", "1d", "speedup", 5));
    Map<String, Cursor> start = catchUp(c, Map.of());
    Map<String, Map<String, Record>> polled = new HashMap<>();
    Map<String, Cursor> cursors = start;
    for (int i = 0; i < 36; i++) {
      clock.advance(Duration.ofMinutes(10));
      for (Stream s : c.streams()) {
        List<Page> pages = readAll(s, cursors.get(s.name()));
        polled.computeIfAbsent(s.name(), k -> new HashMap<>()).putAll(latest(pages));
      }
      cursors = catchUp(c, cursors);
    }
    for (Stream s : c.streams()) {
      Map<String, Record> once = latest(readAll(s, start.get(s.name())));
      assertThat(polled.getOrDefault(s.name(), Map.of())).as(s.name()).isEqualTo(once);
    }
  }
}
