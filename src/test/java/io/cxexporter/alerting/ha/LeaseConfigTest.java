package io.cxexporter.alerting.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.alerting.AlertingConfig;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.testing.Configs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alerting.ha.kubernetes_lease}: defaults from the pod, and errors that name the key. */
class LeaseConfigTest {
  static final String RULES =
      "alerting:\n"
          + "  rules:\n"
          + "    - {alert: BacklogHigh, expr: {kpi: tickets_open}, above: 10}\n";

  @TempDir Path dir;

  /** The problems of {@code alerting:} with {@code ha} as given, in an environment {@code env}. */
  static List<String> problems(String ha, Map<String, String> env) {
    return read(ha, env).problems;
  }

  record Read(AlertingConfig config, List<String> problems) {}

  static Read read(String ha, Map<String, String> env) {
    Problems p = new Problems();
    Settings root = Settings.root(Configs.yaml(RULES + ha), p, env::get, Path.of("."));
    AlertingConfig c = AlertingConfig.read(root.object("alerting"), List.of(), Set.of("1h"));
    root.finish();
    return new Read(c, p.messages());
  }

  @Test
  void defaultsComeFromThePod() {
    Read r =
        read(
            "  ha:\n    kubernetes_lease: {name: cx-exporter-alerts}\n",
            Map.of("POD_NAMESPACE", "monitoring", "POD_NAME", "cx-exporter-1", "HOSTNAME", "h"));
    assertThat(r.problems()).isEmpty();
    assertThat(r.config().ha())
        .contains(
            new LeaseConfig(
                "cx-exporter-alerts",
                "monitoring",
                "cx-exporter-1",
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
  }

  @Test
  void identityFallsBackToTheHostName() {
    Read r =
        read(
            "  ha:\n    kubernetes_lease: {name: cx, namespace: ns}\n",
            Map.of("HOSTNAME", "cx-exporter-0"));
    assertThat(r.config().ha().map(LeaseConfig::identity)).contains("cx-exporter-0");
  }

  @Test
  void namespaceFallsBackToTheServiceAccountFile() throws Exception {
    Path f = dir.resolve("namespace");
    Files.writeString(f, "monitoring\n");
    Problems p = new Problems();
    Settings s =
        Settings.root(Map.of("name", "cx", "identity", "cx-0"), p, k -> null, Path.of("."));
    assertThat(LeaseConfig.read(s, f).map(LeaseConfig::namespace)).contains("monitoring");
    assertThat(p.messages()).isEmpty();
  }

  @Test
  void withoutNamespaceAnywhereTheErrorNamesTheKey() {
    Problems p = new Problems();
    Settings s =
        Settings.root(Map.of("name", "cx", "identity", "cx-0"), p, k -> null, Path.of("."));
    assertThat(LeaseConfig.read(s, dir.resolve("absent"))).isEmpty();
    assertThat(p.messages())
        .containsExactly(
            "namespace: required: set it, or POD_NAMESPACE in the environment, or run in a pod"
                + " with a service account ("
                + dir.resolve("absent")
                + ")");
  }

  @Test
  void errorsNameTheKey() {
    Map<String, String> pod = Map.of("POD_NAMESPACE", "monitoring", "POD_NAME", "cx-0");
    assertThat(problems("  ha:\n    kubernetes_lease: {namespace: x}\n", pod))
        .containsExactly("alerting.ha.kubernetes_lease.name: required");
    assertThat(problems("  ha:\n    kubernetes_lease: {name: Alerts_1}\n", pod))
        .containsExactly(
            "alerting.ha.kubernetes_lease.name: must be a Kubernetes object name (lower-case"
                + " letters, digits, '-' and '.', at most 200 characters), got \"Alerts_1\"");
    assertThat(problems("  ha:\n    kubernetes_lease: {name: cx, namespace: My_NS}\n", pod))
        .containsExactly(
            "alerting.ha.kubernetes_lease.namespace: must be a Kubernetes namespace name, got"
                + " \"My_NS\"");
    assertThat(problems("  ha:\n    kubernetes_lease: {name: cx}\n", Map.of("POD_NAMESPACE", "m")))
        .containsExactly(
            "alerting.ha.kubernetes_lease.identity: required: set it, or POD_NAME (from the"
                + " downward API) or HOSTNAME in the environment");
    assertThat(
            problems(
                "  ha:\n    kubernetes_lease: {name: cx, lease_duration: 10s, renew_deadline: 10s}\n",
                pod))
        .containsExactly(
            "alerting.ha.kubernetes_lease.renew_deadline: must be less than lease_duration (10s),"
                + " got 10s: a leader must give up before a follower may take over");
    assertThat(
            problems(
                "  ha:\n    kubernetes_lease: {name: cx, renew_deadline: 2s, retry_period: 2s}\n",
                pod))
        .containsExactly(
            "alerting.ha.kubernetes_lease.renew_deadline: must be more than 1.2 × retry_period"
                + " (2s), got 2s");
    assertThat(problems("  ha:\n    kubernetes_lease: {name: cx, retry_period: 50ms}\n", pod))
        .containsExactly(
            "alerting.ha.kubernetes_lease.retry_period: must be at least 100ms, got 50ms");
    assertThat(problems("  ha:\n    kubernetes_lease: {name: cx, lease_duraton: 20s}\n", pod))
        .containsExactly("alerting.ha.kubernetes_lease.lease_duraton: unknown key");
    assertThat(problems("  ha:\n    consul: {key: x}\n", pod))
        .containsExactly(
            "alerting.ha.kubernetes_lease: required, e.g. {name: cx-exporter-alerts}",
            "alerting.ha.consul: unknown key");
  }

  @Test
  void withoutHaThereIsNone() {
    assertThat(read("", Map.of()).config().ha()).isEqualTo(Optional.empty());
  }

  @Test
  void theLeaseNameCarriesTheShard() {
    assertThat(LeaseConfig.leaseName("cx-alerts", 0, 1)).isEqualTo("cx-alerts");
    assertThat(LeaseConfig.leaseName("cx-alerts", 0, 3)).isEqualTo("cx-alerts-shard-0");
    assertThat(LeaseConfig.leaseName("cx-alerts", 2, 3)).isEqualTo("cx-alerts-shard-2");
    assertThat(LeaseConfig.logLeaseName("cx-alerts-shard-2")).isEqualTo("cx-alerts-shard-2-log");
    assertThatThrownBy(() -> LeaseConfig.leaseName("cx-alerts", 3, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
