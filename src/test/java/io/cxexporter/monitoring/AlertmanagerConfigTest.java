package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * examples/alertmanager.yml: holds warnings outside business hours, mutes the KPI alerts an
 * exporter or connector failure makes meaningless, and names no secret. {@link
 * AlertmanagerAmtoolIT} checks it with Alertmanager 0.25's own amtool (valid, routes by severity).
 */
class AlertmanagerConfigTest {
  private static final Pattern MATCHER =
      Pattern.compile("^\\s*(\\w+)\\s*(=~|!~|!=|=)\\s*\"?(.*?)\"?\\s*$");

  static Path config() {
    return RuleFiles.root().resolve("examples/alertmanager.yml");
  }

  @Test
  void warningsAreSentInBusinessHoursOnly() {
    JsonNode am = RuleFiles.read(config());
    JsonNode warning = null;
    for (JsonNode route : am.path("route").path("routes")) {
      for (JsonNode m : route.path("matchers")) {
        if (m.asText().replace(" ", "").equals("severity=\"warning\"")) {
          warning = route;
        }
      }
    }
    assertThat(warning).as("a route for severity=\"warning\"").isNotNull();
    assertThat(warning.path("active_time_intervals").toString()).isEqualTo("[\"business-hours\"]");
    JsonNode interval = null;
    for (JsonNode ti : am.path("time_intervals")) {
      if (ti.path("name").asText().equals("business-hours")) {
        interval = ti.path("time_intervals").path(0);
      }
    }
    assertThat(interval).as("time_intervals business-hours").isNotNull();
    assertThat(interval.path("weekdays").toString()).isEqualTo("[\"monday:friday\"]");
    assertThat(interval.path("times").path(0).path("start_time").asText()).isEqualTo("08:00");
    assertThat(interval.path("times").path(0).path("end_time").asText()).isEqualTo("18:00");
    assertThat(interval.path("location").asText()).isEqualTo("Europe/Ljubljana");
  }

  @Test
  void exporterDownMutesEveryKpiAlert() {
    JsonNode rule = inhibitRuleFor("CxExporterDown");
    for (String kpi : RuleFiles.KPI_ALERTS) {
      assertThat(matches(rule.path("target_matchers"), kpi)).as(kpi).isTrue();
    }
    for (String other : List.of("CxExporterDown", "CxConnectorStale", "CxConnectorUnauthorized")) {
      assertThat(matches(rule.path("target_matchers"), other)).as(other).isFalse();
    }
    assertThat(rule.has("equal")).as("any exporter down mutes every KPI alert").isFalse();
  }

  @Test
  void aStaleOrUnauthorizedConnectorMutesTheKpiAlertsOfItsSource() {
    for (String source : List.of("CxConnectorStale", "CxConnectorUnauthorized")) {
      JsonNode rule = inhibitRuleFor(source);
      assertThat(rule).as("inhibit rule for " + source).isNotNull();
      for (String kpi : RuleFiles.KPI_ALERTS) {
        assertThat(matches(rule.path("target_matchers"), kpi))
            .as(source + " mutes " + kpi)
            .isTrue();
      }
      assertThat(rule.path("equal").toString()).as(source).isEqualTo("[\"source\"]");
    }
  }

  @Test
  void noSecretIsInTheExample() {
    JsonNode receivers = RuleFiles.read(config()).path("receivers");
    for (JsonNode r : receivers) {
      for (JsonNode pd : r.path("pagerduty_configs")) {
        assertThat(pd.has("routing_key") || pd.has("service_key")).as(r.toString()).isFalse();
        assertThat(pd.path("routing_key_file").asText()).startsWith("/");
      }
      for (JsonNode slack : r.path("slack_configs")) {
        assertThat(slack.has("api_url")).as(r.toString()).isFalse();
        assertThat(slack.path("api_url_file").asText()).startsWith("/");
      }
    }
  }

  /** The first inhibit rule whose source matchers select {@code alertname}, or null. */
  private static JsonNode inhibitRuleFor(String alertname) {
    for (JsonNode rule : RuleFiles.read(config()).path("inhibit_rules")) {
      if (matches(rule.path("source_matchers"), alertname)) {
        return rule;
      }
    }
    return null;
  }

  /** Whether {@code alertname} satisfies a list of Alertmanager matchers on alertname. */
  private static boolean matches(JsonNode matchers, String alertname) {
    if (matchers.isEmpty()) {
      return false;
    }
    for (JsonNode m : matchers) {
      Matcher p = MATCHER.matcher(m.asText());
      assertThat(p.matches()).as("matcher " + m).isTrue();
      assertThat(p.group(1)).as("matcher " + m).isEqualTo("alertname");
      boolean ok =
          switch (p.group(2)) {
            case "=" -> alertname.equals(p.group(3));
            case "!=" -> !alertname.equals(p.group(3));
            case "=~" -> alertname.matches(p.group(3));
            default -> !alertname.matches(p.group(3));
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
