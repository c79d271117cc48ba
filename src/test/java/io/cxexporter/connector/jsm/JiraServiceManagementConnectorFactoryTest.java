package io.cxexporter.connector.jsm;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.model.Priority;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.TestConnectors;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options, JQL and the mapping rules that the contract fixtures do not reach. */
class JiraServiceManagementConnectorFactoryTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static TestConnectors<JiraServiceManagementOptions> block() {
    return TestConnectors.of(new JiraServiceManagementConnectorFactory())
        .with("base_url", "https://acme.atlassian.net");
  }

  @Test
  void authIsRequired() {
    assertThat(block().problems())
        .containsExactly("connectors[0].auth: required: {email, api_token} or {bearer_token}");
    assertThat(block().with("auth", Map.of("email", "ops@acme.example")).problems())
        .containsExactly(
            "connectors[0].auth: needs email and api_token (or api_token_file), or bearer_token (or _file)");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThat(
            block()
                .with("auth", Map.of("bearer_token", "t"))
                .with("projects", List.of("SD", "sd desk"))
                .with("time_zone", "Mars/Olympus")
                .with("group_by", "team")
                .with("priorities", Map.of("Blocker", "critical"))
                .with("max_results", 0)
                .with("csat_source", "survey")
                .with("feedback_lookback", "120d")
                .with("feedback_requests_per_minute", 0)
                .problems())
        .containsExactly(
            "connectors[0].projects[1]: expected a project key like SD (capital letters, digits, _), got \"sd desk\"",
            "connectors[0].time_zone: expected a time zone like UTC or Europe/Berlin, got \"Mars/Olympus\"",
            "connectors[0].max_results: must be between 1 and 5000, got 0",
            "connectors[0].priorities.Blocker: expected one of low, normal, high, urgent, got \"critical\"",
            "connectors[0].group_by: expected request_type, component or a custom field id like customfield_10050, got \"team\"",
            "connectors[0].csat_source: expected auto, field, feedback or off, got \"survey\"",
            "connectors[0].feedback_lookback: expected 1h to 90d, got PT2880H",
            "connectors[0].feedback_requests_per_minute: must be between 1 and 1000, got 0");
  }

  @Test
  void defaultsAndOverrides() {
    JiraServiceManagementOptions o =
        block()
            .with("auth", Map.of("email", "ops@acme.example", "api_token", "t"))
            .with("pending_statuses", List.of("Waiting for Customer", "Awaiting approval"))
            .with("priorities", Map.of("Blocker", "urgent", "Lowest", "normal"))
            .options();
    assertThat(o.projects()).isEmpty();
    assertThat(o.timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(o.maxResults()).isEqualTo(100);
    assertThat(o.groupBy()).isEqualTo("request_type");
    assertThat(o.csatSource()).isEqualTo(JiraServiceManagementOptions.CsatSource.AUTO);
    assertThat(o.feedbackLookback()).isEqualTo(java.time.Duration.ofDays(7));
    assertThat(o.feedbackRequestsPerMinute()).isEqualTo(60);
    assertThat(o.pendingStatuses()).containsExactly("waiting for customer", "awaiting approval");
    assertThat(o.priorities())
        .containsEntry("blocker", Priority.URGENT)
        .containsEntry("lowest", Priority.NORMAL)
        .containsEntry("highest", Priority.URGENT)
        .containsEntry("medium", Priority.NORMAL);
  }

  @Test
  void theJqlHasNoProjectClauseWithoutProjectsAndIsWrittenInTheUsersTimeZone() {
    long at = Instant.parse("2026-11-18T12:40:59Z").getEpochSecond();
    assertThat(IssuesStream.jql(List.of(), at, ZoneId.of("UTC")))
        .isEqualTo("updated >= \"2026-11-18 12:40\" ORDER BY updated ASC");
    assertThat(IssuesStream.jql(List.of("SD", "IT"), at, ZoneId.of("Europe/Berlin")))
        .isEqualTo("project in (SD, IT) AND updated >= \"2026-11-18 13:40\" ORDER BY updated ASC");
    assertThat(IssuesStream.jql(List.of("SD"), at, ZoneId.of("America/New_York")))
        .isEqualTo("project in (SD) AND updated >= \"2026-11-18 07:40\" ORDER BY updated ASC");
  }

  @Test
  void theFeedbackSearchAsksRecentlyResolvedRequestsOnly() {
    JiraServiceManagementOptions o =
        block()
            .with("auth", Map.of("email", "ops@acme.example", "api_token", "t"))
            .with("projects", List.of("SD"))
            .with("feedback_lookback", "2d")
            .options();
    long at = Instant.parse("2026-11-18T12:40:59Z").getEpochSecond();
    assertThat(FeedbackStream.jql(o, at))
        .isEqualTo(
            "project in (SD) AND resolutiondate >= -2880m AND updated >= \"2026-11-18 12:40\""
                + " ORDER BY updated ASC");
  }

  @Test
  void statusCategoriesAndPendingNames() throws Exception {
    List<String> pending = List.of("waiting for customer");
    assertThat(
            JiraMapper.status(
                JSON.readTree(
                    "{\"name\":\"Waiting for Customer\",\"statusCategory\":{\"key\":\"indeterminate\"}}"),
                pending))
        .isEqualTo(TicketStatus.PENDING);
    assertThat(
            JiraMapper.status(
                JSON.readTree("{\"name\":\"Open\",\"statusCategory\":{\"key\":\"new\"}}"), pending))
        .isEqualTo(TicketStatus.NEW);
    assertThat(
            JiraMapper.status(
                JSON.readTree(
                    "{\"name\":\"Waiting for customer\",\"statusCategory\":{\"key\":\"done\"}}"),
                pending))
        .isEqualTo(TicketStatus.SOLVED);
  }

  @Test
  void jiraTimesWithAndWithoutColonInTheOffset() throws Exception {
    assertThat(JiraMapper.time(JSON.readTree("\"2026-11-18T10:00:00.000+0100\"")))
        .isEqualTo(Instant.parse("2026-11-18T09:00:00Z"));
    assertThat(JiraMapper.time(JSON.readTree("\"2026-11-18T10:00:00.000-0530\"")))
        .isEqualTo(Instant.parse("2026-11-18T15:30:00Z"));
    assertThat(JiraMapper.time(JSON.readTree("\"2026-11-18T10:00:00Z\"")))
        .isEqualTo(Instant.parse("2026-11-18T10:00:00Z"));
    assertThat(JiraMapper.time(JSON.readTree("null"))).isNull();
  }

  @Test
  void groupFromAComponentOrACustomField() throws Exception {
    var f =
        JSON.readTree(
            "{\"components\":[{\"name\":\"Network\"}],\"customfield_10050\":{\"value\":\"Tier 2\"}}");
    var none = new JiraMapper.FieldIds(null, null, null, null, null);
    assertThat(JiraMapper.group(f, none, "component")).isEqualTo("Network");
    assertThat(JiraMapper.group(f, none, "customfield_10050")).isEqualTo("Tier 2");
    assertThat(JiraMapper.group(f, none, "request_type")).isNull();
    assertThat(IssuesStream.fieldList(none, "customfield_10050")).endsWith("customfield_10050");
  }

  @Test
  void bearerTokensAreSentAsBearer() {
    WireMockServer jira = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    jira.start();
    try {
      jira.stubFor(
          get(urlPathEqualTo("/rest/api/3/myself"))
              .willReturn(okJson("{\"displayName\":\"Bot\",\"timeZone\":\"Europe/Berlin\"}")));
      var c =
          block()
              .with("base_url", jira.baseUrl())
              .with("auth", Map.of("bearer_token", "oauth-SECRET"))
              .build(new ConnectorContext(MutableClock.at("2026-11-18T13:00:00Z")));
      assertThat(c.check().ok()).isFalse();
      assertThat(c.check().message())
          .isEqualTo(
              "signed in as Bot, whose profile time zone Europe/Berlin is not time_zone UTC: JQL dates would be read in Europe/Berlin");
      assertThat(
              jira.findAll(
                      com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                          urlPathEqualTo("/rest/api/3/myself")))
                  .get(0)
                  .getHeader("Authorization"))
          .isEqualTo("Bearer oauth-SECRET");
    } finally {
      jira.stop();
    }
  }
}
