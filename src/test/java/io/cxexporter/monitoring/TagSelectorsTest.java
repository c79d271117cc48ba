package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With {@code kpi.tags} a ticket also counts once per tag value, in series that carry {@code tag}
 * and no other dimension; summed with the untagged series they would count it twice. So every
 * selector of a metric that can carry {@code tag}, in the rules and the dashboards, pins {@code
 * tag=""} (which also matches the series of an exporter without tags).
 */
class TagSelectorsTest {
  static final Pattern TAGGED =
      Pattern.compile(
          "(?<![:a-z0-9_])(cx_tickets_open|cx_sla_at_risk_tickets|cx_ticket_open_oldest_age_seconds"
              + "|cx_tickets_(?:created|solved|reopened|escalated)_total|cx_sla_breaches_total"
              + "|cx_kpi_(?!target\\b)[a-z0-9_]+)(?![a-z0-9_:])(\\{[^}]*\\})?");

  static List<String> unpinned(String where, String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = TAGGED.matcher(expr);
    while (m.find()) {
      String sel = m.group(2);
      if (sel == null || !sel.replace('\'', '"').contains("tag=\"\"")) {
        out.add(where + ": " + m.group());
      }
    }
    return out;
  }

  @Test
  void everyRuleSelectorOfATaggedMetricPinsTheUntaggedSeries() {
    List<String> bad = new ArrayList<>();
    for (RuleFiles.Rule r : RuleFiles.rules()) {
      bad.addAll(unpinned(r.toString(), r.expr()));
      String d = r.annotation("description");
      if (d != null) {
        bad.addAll(unpinned(r + " description", d));
      }
    }
    assertThat(bad).isEmpty();
  }

  @Test
  void everyDashboardSelectorOfATaggedMetricPinsTheUntaggedSeries() {
    List<String> bad = new ArrayList<>();
    for (Dashboards.Query q : Dashboards.queries()) {
      bad.addAll(unpinned(q.toString(), q.expr()));
    }
    assertThat(bad).isEmpty();
  }

  @Test
  void theCheckFindsAnUnpinnedSelector() {
    assertThat(unpinned("x", "sum(cx_tickets_open{source=\"a\"}) + cx_kpi_csat_ratio"))
        .containsExactly("x: cx_tickets_open{source=\"a\"}", "x: cx_kpi_csat_ratio");
    assertThat(unpinned("x", "source:cx_tickets_open:sum + cx_kpi_target{kpi=\"a\"}")).isEmpty();
  }
}
