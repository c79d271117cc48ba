package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.TagConfig;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.Configs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code tag} label as {@code /metrics} shows it, with {@code kpi.tags}. */
class TagLabelMetricsTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");

  static KpiConfig config(TagConfig tags) {
    return Configs.kpi().withTags(tags);
  }

  static Ticket ticket(String id, String... tags) {
    Instant created = NOW.minusSeconds(600);
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(created)
        .status(TicketStatus.OPEN)
        .priority(Priority.NORMAL)
        .group("Billing")
        .channel("email")
        .firstReplyAt(created.plusSeconds(120))
        .tags(List.of(tags))
        .build();
  }

  String scrapeAfterTwoTickets(KpiConfig config) throws Exception {
    return LiveScrape.after(
        config, NOW, "zd", List.of(ticket("1", "vip", "refund"), ticket("2", "spam")));
  }

  @Test
  void countersCountATicketOnceUntaggedAndOncePerTagValue() throws Exception {
    String text = scrapeAfterTwoTickets(config(new TagConfig(List.of("vip", "refund"), 20)));

    assertThat(text.lines())
        .contains(
            "cx_tickets_created_total{channel=\"email\",group=\"Billing\",priority=\"normal\","
                + "source=\"zd\",tag=\"\"} 2.0",
            "cx_tickets_created_total{channel=\"\",group=\"\",priority=\"\",source=\"zd\","
                + "tag=\"vip\"} 1.0",
            "cx_tickets_created_total{channel=\"\",group=\"\",priority=\"\",source=\"zd\","
                + "tag=\"refund\"} 1.0",
            "cx_tickets_created_total{channel=\"\",group=\"\",priority=\"\",source=\"zd\","
                + "tag=\"none\"} 1.0",
            "cx_tickets_solved_total{channel=\"\",group=\"\",priority=\"\",source=\"zd\","
                + "tag=\"vip\"} 0.0",
            "cx_tickets_open{channel=\"email\",group=\"Billing\",priority=\"normal\","
                + "source=\"zd\",status=\"open\"} 2.0",
            "cx_tickets_open{source=\"zd\",status=\"open\",tag=\"vip\"} 1.0",
            "cx_tickets_open{source=\"zd\",status=\"open\",tag=\"none\"} 1.0",
            "cx_kpi_tickets_created{source=\"zd\",tag=\"refund\",window=\"1h\"} 1.0",
            "cx_kpi_tickets_created{source=\"zd\",window=\"1h\"} 2.0");
    assertThat(text).doesNotContain("spam");
    assertThat(text.lines().filter(l -> l.startsWith("cx_ticket_first_response_seconds")))
        .isNotEmpty()
        .noneMatch(l -> l.contains("tag="));
  }

  @Test
  void withoutTagsNoSeriesCarriesATag() throws Exception {
    String text = scrapeAfterTwoTickets(Configs.kpi());

    assertThat(text.lines())
        .contains(
            "cx_tickets_created_total{channel=\"email\",group=\"Billing\",priority=\"normal\","
                + "source=\"zd\"} 2.0");
    assertThat(text).doesNotContain("tag=");
  }

  @Test
  void perTagSlaSeriesStartOnlyForASourceWithSlaData() throws Exception {
    TagConfig tags = new TagConfig(List.of("vip", "refund"), 20);
    String without = scrapeAfterTwoTickets(config(tags));
    assertThat(without).doesNotContain("cx_sla_breaches_total{");

    KpiConfig withSla =
        config(tags)
            .withSla(
                List.of(
                    new io.cxexporter.config.SlaPolicy(
                        Priority.NORMAL,
                        java.time.Duration.ofHours(1),
                        java.time.Duration.ofHours(8),
                        false)));
    String text = scrapeAfterTwoTickets(withSla);
    assertThat(text.lines())
        .contains(
            "cx_sla_breaches_total{channel=\"email\",group=\"Billing\",priority=\"normal\","
                + "source=\"zd\",tag=\"\",target=\"first_response\"} 0.0",
            "cx_sla_breaches_total{channel=\"\",group=\"\",priority=\"\",source=\"zd\","
                + "tag=\"vip\",target=\"resolution\"} 0.0",
            "cx_sla_breaches_total{channel=\"\",group=\"\",priority=\"\",source=\"zd\","
                + "tag=\"none\",target=\"first_response\"} 0.0");
  }
}
