package io.cxexporter.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.store.AlertLog;
import io.cxexporter.store.Store;
import io.cxexporter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules over a KPI snapshot with an injected clock: pending, firing, resolved, baselines. */
class RuleEvaluatorTest {
  static final List<String> DIMS = List.of("group", "priority", "channel");
  @TempDir Path dir;
  final MutableClock clock = MutableClock.at("2026-11-18T12:00:00Z");
  Store store;
  AlertLog log;
  final List<KpiSeries> series = new ArrayList<>();

  @BeforeEach
  void open() {
    store = Store.open(dir, clock);
    log = new AlertLog(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static AlertingConfig config(String yaml) {
    Problems p = new Problems();
    Map<String, Object> tree = io.cxexporter.testing.Configs.yaml(yaml);
    Settings root = Settings.root(tree, p, k -> null, Path.of("."));
    AlertingConfig c =
        AlertingConfig.read(root.object("alerting"), DIMS, Set.of("1h", "24h", "7d"));
    root.finish();
    assertThat(p.messages()).isEmpty();
    return c;
  }

  RuleEvaluator evaluator(AlertingConfig c) {
    return new RuleEvaluator(
        c,
        DIMS,
        log,
        clock,
        () -> new KpiSnapshot(clock.instant(), series),
        () -> Map.of("zd", true),
        (rule, labels) ->
            List.of(
                new TicketRef(
                    "101", "Printer on fire", "Billing", Duration.ofHours(3), null, null)),
        "http://localhost:9877/");
  }

  void backlog(String group, double open) {
    series.removeIf(s -> s.name().equals("tickets_open") && group.equals(s.label("group")));
    series.add(
        new KpiSeries(
            "tickets_open",
            List.of("source", "status", "group", "priority", "channel"),
            List.of("zd", "open", group, "high", "email"),
            open));
  }

  static final String BACKLOG =
      "alerting:\n"
          + "  rules:\n"
          + "    - alert: BacklogHigh\n"
          + "      expr: {kpi: tickets_open}\n"
          + "      above: 200\n"
          + "      for: 10m\n"
          + "      summary: Backlog is {{ $value }}\n";

  @Test
  void pendingThenFiringAfterForThenResolved() {
    RuleEvaluator ev = evaluator(config(BACKLOG));
    backlog("Billing", 150);
    backlog("Returns", 60); // summed over the dimensions the rule does not name: 210
    RuleEvaluator.Result r = ev.evaluate();
    assertThat(r.firing()).isEmpty();
    assertThat(r.pending()).singleElement().satisfies(a -> assertThat(a.value()).isEqualTo(210));

    clock.advance(Duration.ofMinutes(9));
    assertThat(ev.evaluate().firing()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    r = ev.evaluate();
    assertThat(r.firing()).singleElement();
    Alert a = r.firing().get(0);
    assertThat(a.labels())
        .containsExactly(
            Map.entry("alertname", "BacklogHigh"),
            Map.entry("kpi", "tickets_open"),
            Map.entry("severity", "warning"),
            Map.entry("source", "zd"));
    assertThat(a.annotations()).containsEntry("summary", "Backlog is 210");
    assertThat(a.condition()).isEqualTo("above 200");
    assertThat(a.tickets()).extracting(TicketRef::id).containsExactly("101");
    assertThat(a.startsAt()).isEqualTo(clock.instant());

    backlog("Returns", 10);
    clock.advance(Duration.ofMinutes(1));
    r = ev.evaluate();
    assertThat(r.firing()).isEmpty();
    assertThat(r.resolved())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.firing()).isFalse();
              assertThat(x.endsAt()).isEqualTo(clock.instant());
              assertThat(x.fingerprint()).isEqualTo(a.fingerprint());
            });
    assertThat(ev.evaluate().resolved()).as("resolved once").isEmpty();
  }

  @Test
  void aBlipShorterThanForNeverFiresAndKeepFiringForHoldsAFiringAlert() {
    RuleEvaluator ev =
        evaluator(config(BACKLOG.replace("for: 10m", "for: 2m\n      keep_firing_for: 5m")));
    backlog("Billing", 250);
    ev.evaluate();
    backlog("Billing", 100);
    clock.advance(Duration.ofMinutes(1));
    assertThat(ev.evaluate().pending()).as("a blip: pending dropped").isEmpty();

    backlog("Billing", 250);
    ev.evaluate();
    clock.advance(Duration.ofMinutes(2));
    assertThat(ev.evaluate().firing()).hasSize(1);
    backlog("Billing", 100);
    clock.advance(Duration.ofMinutes(4));
    assertThat(ev.evaluate().firing()).as("kept firing for 5m").hasSize(1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(ev.evaluate().resolved()).hasSize(1);
  }

  @Test
  void aRestartKeepsAFiringAlertFiringWithItsStartTime() {
    RuleEvaluator ev = evaluator(config(BACKLOG.replace("for: 10m", "for: 0s")));
    backlog("Billing", 250);
    Alert before = ev.evaluate().firing().get(0);

    clock.advance(Duration.ofMinutes(3));
    RuleEvaluator restarted = evaluator(config(BACKLOG.replace("for: 10m", "for: 0s")));
    assertThat(restarted.active()).singleElement().satisfies(a -> assertThat(a.firing()).isTrue());
    RuleEvaluator.Result r = restarted.evaluate();
    assertThat(r.firing())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.startsAt()).isEqualTo(before.startsAt());
              assertThat(a.fingerprint()).isEqualTo(before.fingerprint());
            });
    assertThat(r.resolved()).isEmpty();
  }

  void resolution(double p90) {
    series.removeIf(s -> s.name().equals("kpi_resolution_seconds"));
    series.add(
        new KpiSeries(
            "kpi_resolution_seconds",
            List.of("source", "group", "hours", "stat", "window"),
            List.of("zd", "Billing", "business", "p90", "1h"),
            p90));
    series.add(
        new KpiSeries(
            "kpi_resolution_seconds",
            List.of("source", "hours", "stat", "window"),
            List.of("zd", "business", "p90", "1h"),
            p90 * 10)); // whole source: not selected by a group rule
  }

  static final String SPIKE =
      "alerting:\n"
          + "  rules:\n"
          + "    - alert: ResolutionTimeSpike\n"
          + "      expr: {kpi: resolution_seconds, stat: p90, window: 1h, hours: business,"
          + " source: zd, group: Billing}\n"
          + "      above_baseline: {window: 7d, factor: 1.5, min_samples: 5}\n"
          + "      severity: critical\n";

  @Test
  void aBaselineSpikeWithTooFewSamplesDoesNotFire() {
    RuleEvaluator ev = evaluator(config(SPIKE));
    // 7d / 168 = one sample an hour
    for (int h = 0; h < 4; h++) {
      resolution(3600);
      ev.evaluate();
      clock.advance(Duration.ofHours(1));
    }
    resolution(36_000);
    RuleEvaluator.Result r = ev.evaluate();
    assertThat(r.firing()).as("4 samples < min_samples 5").isEmpty();
  }

  @Test
  void aBaselineSpikeFiresOnceTheHistoryIsLongEnough() {
    RuleEvaluator ev = evaluator(config(SPIKE));
    for (int h = 0; h < 6; h++) {
      resolution(3600);
      ev.evaluate();
      clock.advance(Duration.ofMinutes(20));
      ev.evaluate(); // evaluations between samples record nothing
      clock.advance(Duration.ofMinutes(40));
    }
    resolution(5000); // 1.39 x: under the factor
    assertThat(ev.evaluate().firing()).isEmpty();
    clock.advance(Duration.ofHours(1));
    resolution(20_000);
    RuleEvaluator.Result r = ev.evaluate();
    assertThat(r.firing())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.labels())
                  .containsEntry("group", "Billing")
                  .containsEntry("window", "1h");
              assertThat(a.severity()).isEqualTo("critical");
              assertThat(a.condition()).startsWith("above 1.5 x its 7d baseline (");
            });
    assertThat(
            log.samples(
                Fingerprint.of(r.firing().get(0).labels()),
                clock.instant().minus(Duration.ofDays(7)),
                clock.instant().plusSeconds(1)))
        .hasSize(8);
  }

  @Test
  void aStarFilterMakesOneInstancePerValue() {
    RuleEvaluator ev =
        evaluator(
            config(
                "alerting:\n  rules:\n    - alert: GroupBacklog\n"
                    + "      expr: {kpi: tickets_open, group: \"*\"}\n      above: 100\n"));
    backlog("Billing", 150);
    backlog("Returns", 160);
    backlog("Onboarding", 10);
    assertThat(ev.evaluate().firing())
        .extracting(a -> a.labels().get("group"))
        .containsExactlyInAnyOrder("Billing", "Returns");
  }

  @Test
  void connectorUpIsARule() {
    RuleEvaluator ev =
        evaluator(
            config(
                "alerting:\n  rules:\n    - alert: Down\n"
                    + "      expr: {kpi: connector_up}\n      below: 1\n"));
    assertThat(ev.evaluate().firing()).isEmpty();
  }

  @Test
  void theOldestUnassignedTicketIsTheMaximumOverTheDimensions() {
    RuleEvaluator ev =
        evaluator(
            config(
                "alerting:\n"
                    + "  rules:\n"
                    + "    - alert: UnassignedTicketsAging\n"
                    + "      expr: {kpi: ticket_unassigned_oldest_age_seconds}\n"
                    + "      above: 3600\n"
                    + "      for: 5m\n"));
    for (String[] g : new String[][] {{"Billing", "7200"}, {"Returns", "1800"}}) {
      series.add(
          new KpiSeries(
              "ticket_unassigned_oldest_age_seconds",
              List.of("source", "group", "priority", "channel"),
              List.of("zd", g[0], "high", "email"),
              Double.parseDouble(g[1])));
    }
    // the oldest of 7200 and 1800 s, not their sum
    assertThat(ev.evaluate().pending())
        .singleElement()
        .satisfies(a -> assertThat(a.value()).isEqualTo(7200));
  }

  @Test
  void anUnassignedRuleCannotFilterOnTheAssigneeItsSeriesDoNotCarry() {
    Problems p = new Problems();
    Map<String, Object> tree =
        io.cxexporter.testing.Configs.yaml(
            "alerting:\n  rules:\n    - alert: X\n"
                + "      expr: {kpi: tickets_unassigned, assignee: ana}\n      above: 1\n");
    Settings root = Settings.root(tree, p, k -> null, Path.of("."));
    AlertingConfig.read(root.object("alerting"), List.of("group", "assignee"), Set.of("24h"));
    root.finish();
    assertThat(p.messages())
        .containsExactly(
            "alerting.rules[0].expr.assignee: not a label of tickets_unassigned (labels: source,"
                + " group)");
  }
}
