package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.TagConfig;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code kpi.tags}: a ticket counts in the series of each of its tag values and once in the
 * whole-source (untagged) series; the most frequent tags are chosen by count, then name.
 */
class KpiEngineTagsTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");
  final MutableClock clock = new MutableClock(NOW);
  final Map<String, Record> stored = new HashMap<>();

  static KpiConfig config(TagConfig tags) {
    return Configs.kpi().withTags(tags);
  }

  static Ticket open(String id, Duration ago, String... tags) {
    Instant created = NOW.minus(ago);
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(created)
        .status(TicketStatus.OPEN)
        .priority(Priority.NORMAL)
        .group("Billing")
        .channel("email")
        .tags(List.of(tags))
        .build();
  }

  static Ticket solved(String id, Duration resolution, String... tags) {
    Instant created = NOW.minus(Duration.ofMinutes(30)).minus(resolution);
    return open(id, Duration.ZERO, tags).toBuilder()
        .createdAt(created)
        .firstReplyAt(created.plusSeconds(60))
        .solvedAt(created.plus(resolution))
        .updatedAt(created.plus(resolution))
        .status(TicketStatus.SOLVED)
        .build();
  }

  List<Transition> apply(KpiEngine engine, boolean live, Record... records) {
    List<Change> changes = new ArrayList<>();
    for (Record r : records) {
      changes.add(new Change("tickets", stored.put(r.id(), r), r));
    }
    return engine.apply("zd", changes, live);
  }

  /** Per-tag values of one metric and window: tag → value. */
  static Map<String, Double> byTag(KpiSnapshot snap, String name, String... kv) {
    Map<String, Double> out = new TreeMap<>();
    for (KpiSeries s : snap.tagSeries()) {
      boolean match = s.name().equals(name);
      for (int i = 0; i < kv.length; i += 2) {
        match &= kv[i + 1].equals(s.label(kv[i]));
      }
      if (match) {
        assertThat(out.put(s.label("tag"), s.value())).as("one series per tag").isNull();
      }
    }
    return out;
  }

  static Map<String, String> whole(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("source", "zd");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void aTicketWithTwoAllowedTagsCountsInBothAndOnceInTheWholeSource() {
    KpiEngine engine =
        new KpiEngine(config(new TagConfig(List.of("vip", "refund", "bug"), 20)), clock);
    apply(
        engine,
        false,
        open("1", Duration.ofMinutes(10), "vip", "refund"),
        open("2", Duration.ofMinutes(20), "vip"),
        open("3", Duration.ofMinutes(30), "spam"), // not allowed: ignored, so "none"
        open("4", Duration.ofMinutes(40)),
        open("5", Duration.ofMinutes(50), "bug", "vip", "vip")); // a repeated tag counts once

    KpiSnapshot snap = engine.compute();

    assertThat(snap.value("kpi_tickets_created", whole("window", "1h"))).isEqualTo(5);
    assertThat(byTag(snap, "kpi_tickets_created", "window", "1h"))
        .containsExactlyEntriesOf(
            new TreeMap<>(Map.of("bug", 1.0, "none", 2.0, "refund", 1.0, "vip", 3.0)));
    assertThat(byTag(snap, "tickets_open", "status", "open"))
        .containsExactlyEntriesOf(
            new TreeMap<>(Map.of("bug", 1.0, "none", 2.0, "refund", 1.0, "vip", 3.0)));
    assertThat(byTag(snap, "ticket_open_oldest_age_seconds"))
        .containsExactlyEntriesOf(
            new TreeMap<>(Map.of("bug", 3000.0, "none", 2400.0, "refund", 600.0, "vip", 3000.0)));
    // the untagged series stay as they were, and are all the status page and alerts sum
    assertThat(
            snap.value(
                "tickets_open",
                whole(
                    "status",
                    "open",
                    "group",
                    "Billing",
                    "priority",
                    "normal",
                    "channel",
                    "email")))
        .isEqualTo(5);
    assertThat(snap.find("tickets_open", Map.of("source", "zd")))
        .allSatisfy(s -> assertThat(s.labelNames()).doesNotContain("tag"));
    // the per-tag cx_kpi_* series carry tag and no other dimension
    assertThat(snap.tagSeries())
        .filteredOn(s -> s.name().equals("kpi_tickets_created"))
        .allSatisfy(s -> assertThat(s.labelNames()).containsExactly("source", "tag", "window"));
  }

  @Test
  void perTagQuantilesAndMeansUseEveryTicketCarryingTheTag() {
    KpiEngine engine = new KpiEngine(config(new TagConfig(List.of("vip", "refund"), 20)), clock);
    apply(
        engine,
        false,
        solved("1", Duration.ofHours(1), "vip"),
        solved("2", Duration.ofHours(2), "vip", "refund"),
        solved("3", Duration.ofHours(4), "refund"));

    KpiSnapshot snap = engine.compute();
    String[] p50 = {"window", "24h", "hours", "calendar", "stat", "p50"};
    String[] p90 = {"window", "24h", "hours", "calendar", "stat", "p90"};
    String[] mean = {"window", "24h", "hours", "calendar", "stat", "mean"};

    assertThat(snap.value("kpi_resolution_seconds", whole(p50))).isEqualTo(7200);
    // nearest rank: vip {1h, 2h} → p50 1h, p90 2h; refund {2h, 4h} → p50 2h, p90 4h
    assertThat(byTag(snap, "kpi_resolution_seconds", p50))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("refund", 7200.0, "vip", 3600.0)));
    assertThat(byTag(snap, "kpi_resolution_seconds", p90))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("refund", 14400.0, "vip", 7200.0)));
    assertThat(byTag(snap, "kpi_resolution_seconds", mean))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("refund", 10800.0, "vip", 5400.0)));
    assertThat(byTag(snap, "kpi_tickets_solved", "window", "24h"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("refund", 2.0, "vip", 2.0)));
    assertThat(snap.value("kpi_tickets_solved", whole("window", "24h"))).isEqualTo(3);
  }

  /** Counts x 2, y 2, z 2, w 1: x and y keep their names (ties by name), z and w are other. */
  final Ticket[] mostFrequent = {
    open("a", Duration.ofMinutes(5), "y", "x"),
    open("b", Duration.ofMinutes(6), "z", "y"),
    open("c", Duration.ofMinutes(7), "w", "z"),
    open("d", Duration.ofMinutes(8), "x"),
  };

  @Test
  void withoutAllowTheMostFrequentTagsKeepTheirNameAndTiesGoByName() {
    KpiEngine engine = new KpiEngine(config(new TagConfig(List.of(), 2)), clock);
    apply(engine, false, mostFrequent);

    KpiSnapshot snap = engine.compute();

    // a: x, y; b: y, other; c: other; d: x
    assertThat(byTag(snap, "kpi_tickets_created", "window", "1h"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("other", 2.0, "x", 2.0, "y", 2.0)));
    assertThat(snap.value("kpi_tickets_created", whole("window", "1h"))).isEqualTo(4);
  }

  @Test
  void theChoiceDoesNotDependOnTheOrderRecordsWereRead() {
    KpiEngine forward = new KpiEngine(config(new TagConfig(List.of(), 2)), clock);
    forward.load("zd", action -> List.of(mostFrequent).forEach(t -> action.accept("tickets", t)));
    KpiEngine backward = new KpiEngine(config(new TagConfig(List.of(), 2)), clock);
    backward.load(
        "zd",
        action -> {
          for (int i = mostFrequent.length - 1; i >= 0; i--) {
            action.accept("tickets", mostFrequent[i]);
          }
        });

    assertThat(backward.compute().tagSeries()).isEqualTo(forward.compute().tagSeries());
    assertThat(byTag(forward.compute(), "kpi_tickets_created", "window", "1h"))
        .containsOnlyKeys("other", "x", "y");
  }

  @Test
  void aTagMovesOutOfOtherWhenItBecomesFrequentAtTheNextRefresh() {
    KpiEngine engine = new KpiEngine(config(new TagConfig(List.of(), 2)), clock);
    apply(engine, false, mostFrequent);
    engine.compute();

    List<Transition> t = apply(engine, true, open("e", Duration.ofMinutes(1), "z"));
    // counted with the choice of the last refresh: z was other
    assertThat(t).singleElement().satisfies(x -> assertThat(x.tags()).containsExactly("other"));

    // z 3, x 2, y 2: now z and x keep their names, y folds into other
    assertThat(byTag(engine.compute(), "kpi_tickets_created", "window", "1h"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("other", 3.0, "x", 2.0, "z", 3.0)));
  }

  @Test
  void aTicketCountsTowardsTheChoiceInItsLatestVersionOnly() {
    KpiEngine engine = new KpiEngine(config(new TagConfig(List.of(), 2)), clock);
    apply(engine, false, mostFrequent);
    for (int i = 0; i < 3; i++) { // a's tags change from x, y to z; three versions count once
      apply(engine, false, open("a", Duration.ofMinutes(5), "z").toBuilder().reopens(i).build());
    }

    // z 3, then w, x, y 1 each: z and w keep their names. a: z; b: z, other; c: z, w; d: other
    assertThat(byTag(engine.compute(), "kpi_tickets_created", "window", "1h"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("other", 2.0, "w", 1.0, "z", 3.0)));
  }

  @Test
  void surveysTakeTheirTicketsTagValues() {
    KpiEngine engine = new KpiEngine(config(new TagConfig(List.of("vip", "refund"), 20)), clock);
    apply(
        engine,
        false,
        open("1", Duration.ofMinutes(10), "vip", "refund"),
        open("2", Duration.ofMinutes(10), "vip"));
    Instant at = NOW.minusSeconds(60);
    apply(
        engine,
        false,
        new SurveyResponse("s1", at, SurveyKind.CSAT, 5, 1, 5, at, "1", null, null, null),
        new SurveyResponse("s2", at, SurveyKind.CSAT, 1, 1, 5, at, "2", null, null, null),
        new SurveyResponse("s3", at, SurveyKind.CSAT, 5, 1, 5, at, "unknown", null, null, null));

    KpiSnapshot snap = engine.compute();

    assertThat(snap.value("kpi_csat_ratio", whole("window", "1h"))).isEqualTo(2.0 / 3);
    // vip: s1, s2; refund: s1; none: s3 (its ticket is not known)
    assertThat(byTag(snap, "kpi_csat_ratio", "window", "1h"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of("none", 1.0, "refund", 1.0, "vip", 0.5)));
  }

  @Test
  void transitionsCarryTheTicketsTagValues() {
    KpiEngine engine = new KpiEngine(config(new TagConfig(List.of("vip", "refund"), 20)), clock);
    List<Transition> t =
        apply(
            engine,
            true,
            open("1", Duration.ofMinutes(1), "refund", "spam", "vip"),
            open("2", Duration.ofMinutes(1), "spam"));

    assertThat(t)
        .extracting(Transition::tags)
        .containsExactly(List.of("refund", "vip"), List.of("none"));
    assertThat(engine.drainNewLabels().tags())
        .extracting(c -> c.values().get(0))
        .containsExactlyInAnyOrder("none", "refund", "vip");
  }

  @Test
  void withoutTagsNothingChanges() {
    KpiEngine engine = new KpiEngine(Configs.kpi(), clock);
    List<Transition> t = apply(engine, true, open("1", Duration.ofMinutes(1), "vip"));

    assertThat(engine.compute().tagSeries()).isEmpty();
    assertThat(t).singleElement().satisfies(x -> assertThat(x.tags()).isEmpty());
    assertThat(engine.drainNewLabels().tags()).isEmpty();
  }
}
