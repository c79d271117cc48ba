package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code kpi.max_label_values}: the values carried by most kept tickets keep their name, ties by
 * name, whatever order the records are read in, and after a restart.
 */
class StableLabelCapTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");

  static Ticket ticket(String id, String group, boolean solved) {
    Instant created = NOW.minus(Duration.ofHours(2));
    Ticket.Builder b =
        Ticket.builder(id)
            .createdAt(created)
            .updatedAt(created)
            .status(TicketStatus.OPEN)
            .priority(Priority.NORMAL)
            .group(group)
            .channel("email");
    if (solved) {
      b.firstReplyAt(created.plusSeconds(60))
          .solvedAt(created.plusSeconds(600))
          .updatedAt(created.plusSeconds(600))
          .status(TicketStatus.SOLVED);
    }
    return b.build();
  }

  /**
   * Groups with known frequencies: Big 5 tickets, Mid 3, then a tie at the cut (max 3): "z-tie",
   * "b-tie" and "a-tie" with 2 each, read in that order, and 20 groups of one ticket.
   */
  static List<Record> records() {
    List<Record> out = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < 5; i++) {
      out.add(ticket("t" + n++, "Big", i % 2 == 0));
    }
    for (int i = 0; i < 3; i++) {
      out.add(ticket("t" + n++, "Mid", false));
    }
    for (String g : List.of("z-tie", "b-tie", "a-tie")) {
      out.add(ticket("t" + n++, g, false));
      out.add(ticket("t" + n++, g, true));
    }
    for (int i = 0; i < 20; i++) {
      out.add(ticket("t" + n++, "rare-" + i, false));
    }
    return out;
  }

  static KpiEngine loaded(List<Record> records, int max) {
    KpiEngine e =
        new KpiEngine(
            Configs.kpi(Configs.officeHours("UTC"), List.of(), List.of(), max),
            new MutableClock(NOW));
    e.load("zd", action -> records.forEach(r -> action.accept("tickets", r)));
    return e;
  }

  /** The group label values with their own backlog series. */
  static Set<String> groups(KpiSnapshot snap) {
    Set<String> out = new TreeSet<>();
    for (KpiSeries s : snap.series()) {
      if (s.name().equals("kpi_tickets_created") && s.labelNames().contains("group")) {
        out.add(s.labelValues().get(s.labelNames().indexOf("group")));
      }
    }
    return out;
  }

  /** The group values the counters will start at 0 for. */
  static Set<String> drainedGroups(KpiEngine e) {
    Set<String> out = new TreeSet<>();
    e.drainNewLabels().tickets().forEach(c -> out.add(c.values().get(0)));
    return out;
  }

  @Test
  void keepsTheMostFrequentTiesByNameAndFoldsTheRest() {
    KpiEngine e = loaded(records(), 3);
    assertThat(drainedGroups(e)).containsExactly("Big", "Mid", "a-tie", "other");
    KpiSnapshot snap = e.compute();
    assertThat(groups(snap)).containsExactly("Big", "Mid", "a-tie", "other");
    // b-tie, z-tie and the 20 rare ones
    assertThat(snap.value("label_values_folded", Map.of("source", "zd", "label", "group")))
        .isEqualTo(22);
    assertThat(snap.value("label_values_folded", Map.of("source", "zd", "label", "channel")))
        .isZero();
  }

  @Test
  void theKeptSetDoesNotDependOnLoadOrder() {
    List<Record> a = records();
    List<Record> b = new ArrayList<>(a);
    Collections.reverse(b);
    List<Record> c = new ArrayList<>(a);
    Collections.shuffle(c, new Random(7));
    Set<String> kept = groups(loaded(a, 3).compute());
    assertThat(groups(loaded(b, 3).compute())).isEqualTo(kept);
    assertThat(groups(loaded(c, 3).compute())).isEqualTo(kept);
    assertThat(drainedGroups(loaded(c, 3))).isEqualTo(drainedGroups(loaded(a, 3)));
  }

  @Test
  void aRestartKeepsTheSameSet() {
    List<Record> records = records();
    KpiEngine first = loaded(records, 3);
    Set<String> before = groups(first.compute());
    // a restart: a new engine reads the same stored records, here in another order
    List<Record> again = new ArrayList<>(records);
    Collections.shuffle(again, new Random(1));
    assertThat(groups(loaded(again, 3).compute())).isEqualTo(before);
  }

  @Test
  void liveTicketsReRankAtTheNextRefresh() {
    KpiEngine e = loaded(records(), 3);
    e.compute();
    // three more tickets for z-tie (5, as many as Big): it passes Mid and a-tie, which folds
    List<Change> more = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      more.add(new Change("tickets", null, ticket("new" + i, "z-tie", false)));
    }
    List<Transition> t = e.apply("zd", more, true);
    assertThat(t.get(0).dimensions().get(0)).isEqualTo("other"); // not ranked yet: the set is full
    assertThat(groups(e.compute())).containsExactly("Big", "Mid", "other", "z-tie");
    assertThat(e.drainNewLabels().tickets()).extracting(c -> c.values().get(0)).contains("z-tie");
  }

  @Test
  void longValuesAreTruncatedWithAMarker() {
    String longName = "x".repeat(10_000);
    KpiEngine e = loaded(List.of(ticket("1", longName, false)), 50);
    Set<String> g = groups(e.compute());
    String expected = "x".repeat(255) + "…";
    assertThat(g).containsExactly(expected);
    assertThat(expected).hasSize(256);
    assertThat(LabelCap.clip("x".repeat(256))).isEqualTo("x".repeat(256));
    // a surrogate pair at the cut is not split
    String emoji = "x".repeat(254) + "\uD83D\uDE00" + "tail";
    assertThat(LabelCap.clip(emoji)).isEqualTo("x".repeat(254) + "…");
  }
}
