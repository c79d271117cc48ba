package io.cxexporter.connector.demo;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every page of every stream of a default demo (30 days, seed 42) read as of a fixed clock. */
final class DefaultBackfill {
  final Instant now;
  final Instant start;
  final Map<String, List<Page>> pages = new LinkedHashMap<>();

  DefaultBackfill(Clock clock, Map<String, Object> options) {
    this.now = clock.instant();
    this.start = now.minus(Duration.ofDays(30));
    Connector c = DemoFixtures.connector(clock, options);
    for (Stream s : c.streams()) {
      pages.put(s.name(), DemoFixtures.readAll(s, Cursor.START));
    }
  }

  /** The default demo as of {@link DemoFixtures#NOW}. */
  static DefaultBackfill read() {
    return new DefaultBackfill(DemoFixtures.FIXED, Map.of());
  }

  /** Every record of a stream in delivery order. */
  List<Record> all(String stream) {
    return DemoFixtures.records(pages.get(stream));
  }

  /** The latest version of every ticket (tombstones excluded). */
  List<Ticket> tickets() {
    return DemoFixtures.latest(pages.get("tickets")).values().stream()
        .filter(r -> r instanceof Ticket)
        .map(r -> (Ticket) r)
        .toList();
  }

  /** The tickets created after the backfill start. */
  List<Ticket> created() {
    return tickets().stream().filter(t -> t.createdAt().isAfter(start)).toList();
  }

  /** The tickets solved (or closed) in the backfill, in their latest version. */
  List<Ticket> solved() {
    return tickets().stream().filter(t -> !t.isOpen() && t.solvedAt().isAfter(start)).toList();
  }

  List<SurveyResponse> surveys(String stream) {
    return DemoFixtures.latest(pages.get(stream)).values().stream()
        .map(r -> (SurveyResponse) r)
        .toList();
  }

  List<Customer> customers() {
    return DemoFixtures.latest(pages.get("customers")).values().stream()
        .map(r -> (Customer) r)
        .toList();
  }

  List<Deal> deals() {
    return DemoFixtures.latest(pages.get("deals")).values().stream().map(r -> (Deal) r).toList();
  }
}
