package io.cxexporter.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.Problems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alerting.notifiers}: every mistake is a problem named by its path. */
class NotifiersTest {
  static final Map<String, Object> AM =
      Map.of("name", "am", "type", "alertmanager", "url", "http://alertmanager:9093");

  final Problems problems = new Problems();

  @SafeVarargs
  final List<Notifier> read(Map<String, Object>... blocks) {
    return NotifyFixtures.read(problems, Clock.systemUTC(), JsonPoster.SHARED, List.of(blocks));
  }

  static Map<String, Object> block(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void readsTheFourTypes(@TempDir Path dir) throws Exception {
    Path pd = dir.resolve("pd");
    Files.writeString(pd, PagerDutyNotifierTest.KEY + "\n");
    List<Notifier> n =
        read(
            AM,
            block("name", "hook", "type", "webhook", "url", "https://hooks.example/cx"),
            block("name", "chat", "type", "slack", "webhook_url", "${SLACK_URL}"),
            block(
                "name",
                "pager",
                "type",
                "pagerduty",
                "routing_key_file",
                pd.toString(),
                "severities",
                List.of("critical")));

    assertThat(problems.messages()).isEmpty();
    assertThat(n).extracting(Notifier::name).containsExactly("am", "hook", "chat", "pager");
    assertThat(n).extracting(Notifier::type).containsExactlyElementsOf(Notifiers.TYPES);
    assertThat(n.get(3).severities()).containsExactly("critical");
    assertThat(n.get(0).severities()).isEmpty();
    assertThat(((AlertmanagerNotifier) n.get(0)).endpoint())
        .hasToString("http://alertmanager:9093/api/v2/alerts");
  }

  @Test
  void missingAlertmanagerUrl() {
    assertThat(read(block("name", "am", "type", "alertmanager"))).isEmpty();
    assertThat(problems.messages()).containsExactly("alerting.notifiers[0].url: required");
  }

  @Test
  void missingSlackWebhookUrl() {
    assertThat(read(AM, block("name", "chat", "type", "slack"))).hasSize(1);
    assertThat(problems.messages())
        .containsExactly("alerting.notifiers[1].webhook_url: required (or webhook_url_file)");
  }

  @Test
  void missingWebhookUrlAndRoutingKey() {
    read(block("name", "hook", "type", "webhook"), block("name", "pd", "type", "pagerduty"));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].url: required (or url_file)",
            "alerting.notifiers[1].routing_key: required (or routing_key_file)");
  }

  @Test
  void unknownType() {
    read(block("name", "mail", "type", "email", "to", "ops@example.com"));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].type: expected one of alertmanager, webhook, slack, pagerduty,"
                + " got \"email\"");
  }

  @Test
  void missingTypeAndName() {
    read(block("url", "http://alertmanager:9093"));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].name: required", "alerting.notifiers[0].type: required");
  }

  @Test
  void unknownKeys() {
    read(
        block(
            "name", "am", "type", "alertmanager", "url", "http://am:9093", "severity", "critical"),
        block(
            "name",
            "pd",
            "type",
            "pagerduty",
            "routing_key",
            "k",
            "webhook_url",
            "https://x.example"));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].severity: unknown key",
            "alerting.notifiers[1].webhook_url: unknown key");
  }

  @Test
  void secretGivenTwice(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("slack");
    Files.writeString(f, "https://hooks.slack.com/services/T/B/fromFILE");
    read(
        block(
            "name",
            "chat",
            "type",
            "slack",
            "webhook_url",
            "https://hooks.slack.com/services/T/B/inline",
            "webhook_url_file",
            f.toString()));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].webhook_url: set either webhook_url or webhook_url_file, not"
                + " both");
  }

  @Test
  void duplicateName() {
    read(AM, AM);
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[1].name: duplicate: alerting.notifiers[0] has the same name");
  }

  @Test
  void unknownSeverity() {
    read(
        block(
            "name",
            "am",
            "type",
            "alertmanager",
            "url",
            "http://am:9093",
            "severities",
            List.of("critical", "page")));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].severities[1]: expected one of critical, warning, info, got"
                + " \"page\"");
  }

  @Test
  void malformedUrls() {
    read(
        block("name", "am", "type", "alertmanager", "url", "alertmanager:9093"),
        block("name", "pd", "type", "pagerduty", "routing_key", "k", "url", "events"),
        block("name", "am2", "type", "alertmanager", "url", "http://admin:pw@am:9093"));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].url: expected an http(s) URL like http://alertmanager:9093,"
                + " got \"alertmanager:9093\"",
            "alerting.notifiers[1].url: expected an http(s) URL like"
                + " https://events.pagerduty.com/v2/enqueue, got \"events\"",
            "alerting.notifiers[2].url: must not contain a user name or password");
  }

  @Test
  void malformedSecretUrlIsNotShown(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("hook");
    Files.writeString(f, "hooks.example/cx?token=fileSECRET");
    read(
        block("name", "chat", "type", "slack", "webhook_url", "T0/B0/inlineSECRET"),
        block("name", "hook", "type", "webhook", "url_file", f.toString()));
    assertThat(problems.messages())
        .containsExactly(
            "alerting.notifiers[0].webhook_url: expected an http(s) URL (the value is a secret"
                + " and is not shown)",
            "alerting.notifiers[1].url_file: the file does not hold an http(s) URL (its content"
                + " is not shown)");
  }

  @Test
  void unsetEnvironmentVariable() {
    read(block("name", "chat", "type", "slack", "webhook_url", "${NOPE}"));
    assertThat(problems.messages())
        .containsExactly("alerting.notifiers[0].webhook_url: environment variable NOPE is not set");
  }

  @Test
  void readingValidatedBlocksAgainAddsNoProblem() {
    Problems p = new Problems();
    var root =
        io.cxexporter.config.Settings.root(
            Map.of("alerting", Map.of("notifiers", List.of(AM))), p, k -> null, Path.of("."));
    var blocks = root.object("alerting").objects("notifiers");
    Notifiers.read(blocks, Clock.systemUTC());
    List<Notifier> again = Notifiers.read(blocks, Clock.systemUTC());
    root.finish();

    assertThat(p.messages()).isEmpty();
    assertThat(again).hasSize(1);
  }

  @Test
  void readsMatchAndMatchReIntoTheRoute() {
    List<Notifier> n =
        read(
            block(
                "name",
                "billing",
                "type",
                "webhook",
                "url",
                "https://hooks.example/b",
                "match",
                Map.of("group", "Billing"),
                "match_re",
                Map.of("priority", "high|urgent")),
            AM);

    assertThat(problems.messages()).isEmpty();
    assertThat(n.get(0).route()).hasToString("group=\"Billing\", priority=~\"high|urgent\"");
    assertThat(n.get(0).route().catchAll()).isFalse();
    assertThat(n.get(0).route().matches(Map.of("group", "Billing", "priority", "urgent"))).isTrue();
    assertThat(n.get(0).route().matches(Map.of("group", "Billing", "priority", "urgently")))
        .isFalse();
    assertThat(n.get(1).route().catchAll()).isTrue();
  }

  @Test
  void badRoutesAreProblemsNamedByTheirPathAllAtOnce() {
    List<Notifier> n =
        read(
            AM,
            block(
                "name",
                "hook",
                "type",
                "webhook",
                "url",
                "https://hooks.example/cx",
                "match",
                Map.of("team-name", "a")),
            block(
                "name",
                "chat",
                "type",
                "slack",
                "webhook_url",
                "${SLACK_URL}",
                "match_re",
                Map.of("group", "Bill(ing", "priority", "*")));

    assertThat(n).extracting(Notifier::name).containsExactly("am");
    assertThat(problems.messages())
        .containsExactlyInAnyOrder(
            "alerting.notifiers[1].match.team-name: not a valid label name (letters, digits and _,"
                + " not first a digit)",
            "alerting.notifiers[2].match_re.group: invalid regex \"Bill(ing\": Unclosed group near"
                + " index 8",
            "alerting.notifiers[2].match_re.priority: invalid regex \"*\": Dangling meta character"
                + " '*' near index 0");
  }
}
