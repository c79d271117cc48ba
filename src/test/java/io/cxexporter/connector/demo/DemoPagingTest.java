package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.DemoFixtures.FIXED;
import static io.cxexporter.connector.demo.DemoFixtures.NOW;
import static io.cxexporter.connector.demo.DemoFixtures.latest;
import static io.cxexporter.connector.demo.DemoFixtures.readAll;
import static io.cxexporter.connector.demo.DemoFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.Page;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How a stream is cut into pages: by time, bounded in size, with progress, until caught up. */
class DemoPagingTest {
  static final Map<String, Object> WEEK = Map.of("backfill", "7d");

  @Test
  void everyStreamEndsCaughtUpWithProgressRisingToOne() {
    Connector c = DemoFixtures.connector(FIXED, Map.of("backfill", "7d", "page_size", 100));

    for (String name : DemoDeterminismTest.STREAMS) {
      List<Page> pages = readAll(stream(c, name), Cursor.START);
      List<Double> progress = pages.stream().map(Page::progress).toList();

      assertThat(progress).as(name).isSortedAccordingTo(Comparator.naturalOrder());
      assertThat(progress).as(name).allMatch(p -> p >= 0 && p <= 1);
      assertThat(pages.get(pages.size() - 1).caughtUp()).isTrue();
      assertThat(pages.get(pages.size() - 1).progress()).isEqualTo(1.0);
      assertThat(pages.subList(0, pages.size() - 1)).noneMatch(Page::caughtUp);
    }
  }

  @Test
  void ticketsOfAWeekTakeSeveralPagesWithProgressInBetween() {
    List<Page> pages =
        readAll(
            stream(
                DemoFixtures.connector(FIXED, Map.of("backfill", "7d", "page_size", 100)),
                "tickets"),
            Cursor.START);

    assertThat(pages).hasSizeGreaterThan(20);
    assertThat(pages.get(pages.size() / 2).progress()).isBetween(0.2, 0.8);
  }

  @Test
  void noPageHoldsMoreThanPageSizeRecordsOrTheSameRecordTwice() {
    Connector c = DemoFixtures.connector(FIXED, Map.of("backfill", "3d", "page_size", 25));

    for (String name : DemoDeterminismTest.STREAMS) {
      for (Page p : readAll(stream(c, name), Cursor.START)) {
        assertThat(p.records()).as(name).hasSizeLessThanOrEqualTo(25);
        assertThat(p.records().stream().map(Record::id).distinct().count())
            .isEqualTo(p.records().size());
      }
    }
  }

  @Test
  void thePageSizeDoesNotChangeWhatIsFinallyKnown() {
    Connector small = DemoFixtures.connector(FIXED, Map.of("backfill", "3d", "page_size", 7));
    Connector large = DemoFixtures.connector(FIXED, Map.of("backfill", "3d", "page_size", 10000));

    for (String name : DemoDeterminismTest.STREAMS) {
      assertThat(latest(readAll(stream(small, name), Cursor.START)))
          .as(name)
          .isEqualTo(latest(readAll(stream(large, name), Cursor.START)));
    }
  }

  @Test
  void recordsInAPageAreOldestChangeFirst() {
    for (Page p : readAll(stream(DemoFixtures.connector(FIXED, WEEK), "tickets"), Cursor.START)) {
      assertThat(p.records().stream().map(Record::updatedAt).toList())
          .isSortedAccordingTo(Comparator.naturalOrder());
    }
  }

  @Test
  void aRecordIsInAPageOnlyIfItChangedInThePagesRange() {
    Connector c = DemoFixtures.connector(FIXED, Map.of("backfill", "7d", "page_size", 50));
    Cursor from = Cursor.START;
    long after = NOW.minus(Duration.ofDays(7)).toEpochMilli();
    for (Page p : readAll(stream(c, "tickets"), Cursor.START)) {
      long upTo = DemoCursor.decode(p.next().value()).position();
      for (Record r : p.records()) {
        assertThat(r.updatedAt().toEpochMilli()).as(r.id()).isGreaterThan(after);
        assertThat(r.updatedAt().toEpochMilli()).as(r.id()).isLessThanOrEqualTo(upTo);
      }
      after = upTo;
      from = p.next();
    }
    assertThat(DemoCursor.decode(from.value()).position()).isEqualTo(NOW.toEpochMilli());
  }

  @Test
  void theBackfillStartsBackfillBeforeTheConnectorWasCreated() {
    List<Record> all =
        DemoFixtures.records(
            readAll(stream(DemoFixtures.connector(FIXED, WEEK), "tickets"), Cursor.START));
    Instant start = NOW.minus(Duration.ofDays(7));

    assertThat(all).allMatch(r -> r.updatedAt().isAfter(start));
    assertThat(all.stream().map(Record::updatedAt).min(Comparator.naturalOrder()).orElseThrow())
        .isBefore(start.plus(Duration.ofHours(1)));
  }

  @Test
  void readingAgainWhenCaughtUpGivesAnEmptyCaughtUpPage() {
    Connector c = DemoFixtures.connector(FIXED, WEEK);
    for (String name : DemoDeterminismTest.STREAMS) {
      Cursor end = DemoFixtures.end(readAll(stream(c, name), Cursor.START));

      Page again = DemoFixtures.read(stream(c, name), end);

      assertThat(again.records()).as(name).isEmpty();
      assertThat(again.caughtUp()).isTrue();
      assertThat(again.next()).isEqualTo(end);
    }
  }

  @Test
  void aTicketAppearsAgainInLaterPagesAsItChanges() {
    List<Page> pages =
        readAll(
            stream(
                DemoFixtures.connector(FIXED, Map.of("backfill", "7d", "page_size", 100)),
                "tickets"),
            Cursor.START);
    Map<String, Long> pagesPerTicket =
        pages.stream()
            .flatMap(p -> p.records().stream())
            .collect(Collectors.groupingBy(Record::id, Collectors.counting()));

    assertThat(pagesPerTicket.values().stream().filter(n -> n > 1).count())
        .isGreaterThan(pagesPerTicket.size() / 2);
  }
}
