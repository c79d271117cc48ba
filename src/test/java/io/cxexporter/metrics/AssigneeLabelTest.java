package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.Secret;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@code kpi.assignee_label: hash}: the {@code assignee} label is a keyed hash of the name, stable
 * for a key, and the name reaches no series. Expected values: HMAC-SHA256 computed outside Java
 * ({@code python3 -c "import hmac,hashlib; print(hmac.new(b'test-key-0123456789', b'Ana Novak',
 * hashlib.sha256).hexdigest()[:12])"}).
 */
class AssigneeLabelTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");
  static final String KEY = "test-key-0123456789";
  static final List<Ticket> TICKETS =
      List.of(ticket("1", "Ana Novak"), ticket("2", "Bo Berg"), ticket("3", null));

  static KpiConfig config(String label, String key) {
    KpiConfig c = Configs.kpi();
    return new KpiConfig(
        c.windows(),
        List.of("group", "assignee"),
        c.maxLabelValues(),
        c.businessHours(),
        c.sla(),
        c.slaRiskHorizon(),
        c.targets(),
        c.refreshInterval(),
        null,
        label,
        key == null ? null : new Secret(key));
  }

  static Ticket ticket(String id, String assignee) {
    Instant created = NOW.minusSeconds(600);
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(created)
        .status(TicketStatus.OPEN)
        .priority(Priority.NORMAL)
        .group("Billing")
        .channel("email")
        .assignee(assignee)
        .build();
  }

  /** The assignee labels of the whole-source-by-assignee created counts, after a (re)start. */
  static List<String> assigneeLabels(KpiConfig config) {
    KpiEngine engine = new KpiEngine(config, new MutableClock(NOW));
    engine.load("zd", action -> TICKETS.forEach(t -> action.accept("tickets", t)));
    return engine.compute().find("kpi_tickets_created", Map.of("window", "1h")).stream()
        .map(s -> s.label("assignee"))
        .filter(Objects::nonNull)
        .sorted()
        .toList();
  }

  @Test
  void theSameKeyGivesTheSameLabelsOnEveryStart() {
    assertThat(assigneeLabels(config("hash", KEY)))
        .containsExactly("019b7f3af8cb", "acf5b0de14ad", "none")
        .isEqualTo(assigneeLabels(config("hash", KEY)));
  }

  @Test
  void anotherKeyGivesOtherLabels() {
    assertThat(assigneeLabels(config("hash", "other-key-0123456789")))
        .containsExactly("c83e60dae454", "fa9c69703d6c", "none");
  }

  @Test
  void namesAreTheDefault() {
    assertThat(assigneeLabels(config("name", null)))
        .containsExactly("Ana Novak", "Bo Berg", "none");
  }

  @Test
  void inHashModeNoNameNorKeyReachesMetrics() throws Exception {
    KpiConfig config = config("hash", KEY);
    String text = LiveScrape.after(config, NOW, "zd", TICKETS);

    assertThat(text.lines())
        .contains(
            "cx_tickets_created_total{assignee=\"019b7f3af8cb\",group=\"Billing\",source=\"zd\"} 1.0",
            "cx_tickets_open{assignee=\"acf5b0de14ad\",group=\"Billing\",source=\"zd\",status=\"open\"}"
                + " 1.0");
    assertThat(text).doesNotContain("Ana").doesNotContain("Novak").doesNotContain("Berg");
    assertThat(text).doesNotContain(KEY);
    assertThat(config.toString()).doesNotContain(KEY);
  }
}
