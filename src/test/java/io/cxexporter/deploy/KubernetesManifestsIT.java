package io.cxexporter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cxexporter.monitoring.Dashboards;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/ rendered by the real {@code kubectl kustomize}: every object parses into
 * fabric8's typed model with no unknown field, the monitoring.coreos.com objects validate against
 * the Prometheus Operator's CRD schemas, and the facts the README promises hold (probes, a non-root
 * read-only pod, state on a PVC, RBAC on Leases only, the dashboards byte for byte, 3 shards x 2
 * replicas in sharded/).
 */
class KubernetesManifestsIT {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String LEASES = "coordination.k8s.io";

  private static Rendering base;
  private static Rendering sharded;

  /** One rendering: the raw objects and each one's typed model. */
  record Rendering(List<JsonNode> raw, List<HasMetadata> typed) {
    <T extends HasMetadata> List<T> all(Class<T> type) {
      return typed.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
      List<T> all = all(type);
      assertThat(all).as("exactly one " + type.getSimpleName()).hasSize(1);
      return all.get(0);
    }

    ConfigMap configMap(String generatedName) {
      return all(ConfigMap.class).stream()
          .filter(c -> c.getMetadata().getName().startsWith(generatedName))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no ConfigMap " + generatedName + "*"));
    }

    List<JsonNode> monitoring() {
      return raw.stream()
          .filter(o -> o.path("apiVersion").asText().startsWith("monitoring.coreos.com/"))
          .toList();
    }
  }

  @BeforeAll
  static void render() throws Exception {
    base = typed(Kustomize.render("deploy/kubernetes/base"));
    sharded = typed(Kustomize.render("deploy/kubernetes/sharded"));
  }

  private static Rendering typed(List<JsonNode> raw) {
    List<HasMetadata> typed = new ArrayList<>();
    for (JsonNode o : raw) {
      if (!o.path("apiVersion").asText().startsWith("monitoring.coreos.com/")) {
        typed.add(TypedModels.parse(o));
      }
    }
    return new Rendering(raw, typed);
  }

  // --- every object is well-formed -------------------------------------------------------------

  @Test
  void baseRendersExactlyTheExpectedObjects() {
    List<String> expected =
        new ArrayList<>(
            List.of(
                "ServiceAccount/cx-exporter",
                "Role/cx-exporter",
                "RoleBinding/cx-exporter",
                "ConfigMap/cx-exporter-config",
                "ConfigMap/cx-exporter-connectors",
                "Service/cx-exporter",
                "StatefulSet/cx-exporter",
                "PrometheusRule/cx-exporter",
                "ServiceMonitor/cx-exporter"));
    for (Path dashboard : Dashboards.files()) {
      expected.add(
          "ConfigMap/" + DashboardConfigMaps.configMapName(dashboard.getFileName().toString()));
    }
    assertThat(expected).contains("ConfigMap/grafana-dashboard-cx-overview");
    assertThat(kinds(base)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void everyObjectHasATypedModelAndNoUnknownField() {
    for (Rendering r : List.of(base, sharded)) {
      assertThat(r.typed().size() + r.monitoring().size()).isEqualTo(r.raw().size());
      for (HasMetadata o : r.typed()) {
        assertThat(TypedModels.unknownFields(o))
            .as(o.getKind() + "/" + o.getMetadata().getName() + " fields unknown to its model")
            .isEmpty();
      }
    }
  }

  @Test
  void monitoringObjectsMatchThePrometheusOperatorCrds() {
    for (Rendering r : List.of(base, sharded)) {
      assertThat(r.monitoring()).hasSize(2);
      for (JsonNode o : r.monitoring()) {
        assertThat(CrdSchemas.validate(o))
            .as(o.path("kind").asText() + " against the vendored CRD")
            .isEmpty();
      }
    }
  }

  /** The checks above bite: a misplaced field, a wrong type and a missing field are caught. */
  @Test
  void brokenObjectsFailTheChecks() {
    JsonNode sts = raw(base, "StatefulSet");
    ObjectNode typo = sts.deepCopy();
    ObjectNode container =
        (ObjectNode) typo.path("spec").path("template").path("spec").path("containers").path(0);
    container.set("readinessprobe", container.remove("readinessProbe"));
    assertThat(TypedModels.unknownFields(TypedModels.parse(typo)))
        .containsExactly(".spec.template.spec.containers[0].readinessprobe");
    ObjectNode misplaced = sts.deepCopy();
    ((ObjectNode) misplaced.path("spec").path("template").path("spec"))
        .set("livenessProbe", container.get("livenessProbe"));
    assertThat(TypedModels.unknownFields(TypedModels.parse(misplaced)))
        .containsExactly(".spec.template.spec.livenessProbe");
    ObjectNode wrongType = sts.deepCopy();
    ((ObjectNode) wrongType.path("spec")).put("replicas", "two");
    assertThatThrownBy(() -> TypedModels.parse(wrongType))
        .isInstanceOf(IllegalArgumentException.class);

    ObjectNode sm = raw(base, "ServiceMonitor").deepCopy();
    ObjectNode endpoint = (ObjectNode) sm.path("spec").path("endpoints").path(0);
    endpoint.put("intervall", "30s");
    assertThat(CrdSchemas.validate(sm)).singleElement().asString().contains("intervall");
    endpoint.remove("intervall");
    endpoint.put("interval", "every 30 seconds");
    assertThat(CrdSchemas.validate(sm)).singleElement().asString().contains("interval");

    ObjectNode rule = raw(base, "PrometheusRule").deepCopy();
    ((ObjectNode) rule.path("spec").path("groups").path(0).path("rules").path(0)).remove("expr");
    assertThat(CrdSchemas.validate(rule)).singleElement().asString().contains("expr");

    ObjectNode kindless = sm.deepCopy().put("kind", "PodMonitor");
    assertThat(CrdSchemas.validate(kindless)).singleElement().asString().contains("no vendored");
  }

  // --- the StatefulSet -------------------------------------------------------------------------

  @Test
  void thePodRunsAsNonRootOnAReadOnlyRootFilesystemWithoutCapabilities() {
    for (StatefulSet sts : statefulSets()) {
      PodSpec pod = sts.getSpec().getTemplate().getSpec();
      PodSecurityContext psc = pod.getSecurityContext();
      assertThat(psc.getRunAsNonRoot()).isTrue();
      assertThat(psc.getRunAsUser()).as("the Dockerfile's user").isEqualTo(10001L);
      assertThat(psc.getFsGroup()).isEqualTo(10001L);
      assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      Container c = container(sts);
      SecurityContext sc = c.getSecurityContext();
      assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).containsKey("memory");
      // java.io.tmpdir (sqlite-jdbc's native library) is writable: an emptyDir on /tmp
      assertThat(volumeAt(sts, "/tmp").getEmptyDir()).isNotNull();
    }
  }

  @Test
  void probesUseHealthyAndReadyOnTheServedPort() {
    for (StatefulSet sts : statefulSets()) {
      Container c = container(sts);
      assertThat(c.getPorts())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(9877);
              });
      assertThat(c.getArgs()).contains("--web.listen-address=:9877");
      assertHttpProbe(c.getStartupProbe(), "/-/healthy");
      assertHttpProbe(c.getLivenessProbe(), "/-/healthy");
      assertHttpProbe(c.getReadinessProbe(), "/-/ready");
      Probe startup = c.getStartupProbe();
      assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
          .as("seconds allowed to open the state before liveness counts")
          .isGreaterThanOrEqualTo(120);
      assertThat(sts.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
          .as("longer than the largest shutdown_timeout (25 s)")
          .isGreaterThan(25L);
    }
  }

  @Test
  void stateIsOnAPersistentVolumeClaimAtTheConfigsStatePath() throws IOException {
    JsonNode cfg = mainConfig(base);
    String statePath = cfg.path("state").path("path").asText();
    for (StatefulSet sts : statefulSets()) {
      List<PersistentVolumeClaim> claims = sts.getSpec().getVolumeClaimTemplates();
      assertThat(claims)
          .singleElement()
          .satisfies(
              pvc -> {
                assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
                assertThat(pvc.getSpec().getResources().getRequests()).containsKey("storage");
              });
      VolumeMount state = mountAt(sts, statePath);
      assertThat(state.getName()).isEqualTo(claims.get(0).getMetadata().getName());
      assertThat(state.getReadOnly()).isNotEqualTo(Boolean.TRUE);
      assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
          .isEqualTo("Retain");
    }
  }

  @Test
  void configConnectorsAndSecretsAreMountedWhereTheConfigLooks() throws IOException {
    JsonNode cfg = mainConfig(base);
    assertThat(cfg.path("connector_files")).hasSize(1);
    String glob = cfg.path("connector_files").path(0).asText();
    String confD = glob.substring(0, glob.lastIndexOf('/'));
    for (StatefulSet sts : statefulSets()) {
      String configFile = arg(sts, "--config.file=");
      String configDir = configFile.substring(0, configFile.lastIndexOf('/'));
      Volume config = volumeAt(sts, configDir);
      String configMapName = config.getConfigMap().getName();
      Rendering r = sts.getMetadata().getName().equals("cx-exporter") ? base : sharded;
      assertThat(r.all(ConfigMap.class))
          .filteredOn(cm -> cm.getMetadata().getName().equals(configMapName))
          .singleElement()
          .satisfies(
              cm ->
                  assertThat(cm.getData())
                      .containsOnlyKeys(configFile.substring(configFile.lastIndexOf('/') + 1)));
      String connectors = volumeAt(sts, confD).getConfigMap().getName();
      assertThat(r.all(ConfigMap.class))
          .anyMatch(cm -> cm.getMetadata().getName().equals(connectors));
      assertThat(volumeAt(sts, configDir).getConfigMap()).isNotNull();

      // credentials: a Secret mounted as files, optional, never in the environment
      Volume secrets =
          sts.getSpec().getTemplate().getSpec().getVolumes().stream()
              .filter(v -> v.getSecret() != null)
              .collect(
                  java.util.stream.Collectors.collectingAndThen(
                      java.util.stream.Collectors.toList(),
                      l -> {
                        assertThat(l).hasSize(1);
                        return l.get(0);
                      }));
      assertThat(secrets.getSecret().getOptional()).isTrue();
      assertThat(secrets.getSecret().getSecretName()).isEqualTo("cx-exporter-secrets");
      assertThat(mountOf(sts, secrets.getName()).getReadOnly()).isTrue();
      Container c = container(sts);
      assertThat(c.getEnvFrom()).isNullOrEmpty();
      assertThat(c.getEnv())
          .allSatisfy(
              e ->
                  assertThat(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null)
                      .isTrue());
      // the downward API gives the pod's name (--shard.from-pod-name) and namespace (the Lease)
      Map<String, String> downward = new java.util.TreeMap<>();
      c.getEnv()
          .forEach(e -> downward.put(e.getName(), e.getValueFrom().getFieldRef().getFieldPath()));
      assertThat(downward)
          .containsEntry("POD_NAME", "metadata.name")
          .containsEntry("POD_NAMESPACE", "metadata.namespace");
    }
    assertThat(base.all(io.fabric8.kubernetes.api.model.Secret.class))
        .as("no Secret is shipped")
        .isEmpty();
  }

  @Test
  void theHeadlessServiceSelectsThePodsAndTheServiceMonitorTheService() {
    for (Rendering r : List.of(base, sharded)) {
      Service svc = r.one(Service.class);
      assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
      for (StatefulSet sts : r.all(StatefulSet.class)) {
        assertThat(sts.getSpec().getServiceName()).isEqualTo(svc.getMetadata().getName());
        Map<String, String> podLabels = sts.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(svc.getSpec().getSelector());
        assertThat(podLabels).containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels());
      }
      JsonNode sm = raw(r, "ServiceMonitor");
      sm.path("spec")
          .path("selector")
          .path("matchLabels")
          .fields()
          .forEachRemaining(
              e ->
                  assertThat(svc.getMetadata().getLabels())
                      .containsEntry(e.getKey(), e.getValue().asText()));
      String port = sm.path("spec").path("endpoints").path(0).path("port").asText();
      assertThat(svc.getSpec().getPorts()).anyMatch(p -> p.getName().equals(port));
      assertThat(sm.path("spec").path("endpoints").path(0).path("path").asText())
          .isEqualTo("/metrics");
      // the rules and dashboards expect job="cx-exporter"
      String jobLabel = sm.path("spec").path("jobLabel").asText();
      assertThat(svc.getMetadata().getLabels()).containsEntry(jobLabel, "cx-exporter");
    }
  }

  // --- RBAC ------------------------------------------------------------------------------------

  @Test
  void rbacGrantsLeasesOnlyInTheNamespace() {
    assertRbacOnLeases(base, List.of("cx-exporter-alerts", "cx-exporter-alerts-log"));
    List<String> shardLeases = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      shardLeases.add("cx-exporter-alerts-shard-" + n);
      shardLeases.add("cx-exporter-alerts-shard-" + n + "-log");
    }
    assertRbacOnLeases(sharded, shardLeases);
  }

  private static void assertRbacOnLeases(Rendering r, List<String> leaseNames) {
    Role role = r.one(Role.class);
    Set<String> verbs = new TreeSet<>();
    for (PolicyRule rule : role.getRules()) {
      assertThat(rule.getApiGroups()).containsExactly(LEASES);
      assertThat(rule.getResources()).containsExactly("leases");
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      assertThat(rule.getVerbs()).isSubsetOf("get", "create", "update", "patch");
      verbs.addAll(rule.getVerbs());
      if (rule.getVerbs().contains("create")) {
        assertThat(rule.getVerbs()).containsExactly("create"); // cannot be limited by name
      } else {
        assertThat(rule.getResourceNames()).containsExactlyInAnyOrderElementsOf(leaseNames);
      }
    }
    assertThat(verbs).containsExactlyInAnyOrder("get", "create", "update", "patch");
    RoleBinding binding = r.one(RoleBinding.class);
    ServiceAccount sa = r.one(ServiceAccount.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
            });
    for (StatefulSet sts : r.all(StatefulSet.class)) {
      assertThat(sts.getSpec().getTemplate().getSpec().getServiceAccountName())
          .isEqualTo(sa.getMetadata().getName());
    }
    assertThat(r.raw()).noneMatch(o -> o.path("kind").asText().startsWith("Cluster"));
  }

  // --- base and sharded ------------------------------------------------------------------------

  @Test
  void baseIsOneReplicaRunningEveryConnector() {
    StatefulSet sts = base.one(StatefulSet.class);
    assertThat(sts.getSpec().getReplicas()).isEqualTo(1);
    assertThat(container(sts).getArgs())
        .noneMatch(a -> a.startsWith("--shard"))
        .noneMatch(a -> a.startsWith("--total-shards"));
  }

  @Test
  void shardedIsThreeShardsOfTwoReplicas() {
    List<StatefulSet> sets = sharded.all(StatefulSet.class);
    assertThat(sets)
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("cx-exporter-a", "cx-exporter-b");
    Map<Integer, List<String>> podsByShard = new java.util.TreeMap<>();
    for (StatefulSet sts : sets) {
      assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
      List<String> args = container(sts).getArgs();
      assertThat(args).contains("--total-shards=3", "--shard.from-pod-name");
      assertThat(args).noneMatch(a -> a.startsWith("--shard="));
      assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
      // a StatefulSet's pods are <name>-0 .. <name>-(replicas-1); the shard is the last number
      IntStream.range(0, sts.getSpec().getReplicas())
          .forEach(
              i -> {
                String pod = sts.getMetadata().getName() + "-" + i;
                int shard = Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
                podsByShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(pod);
              });
    }
    assertThat(podsByShard).containsOnlyKeys(0, 1, 2);
    assertThat(podsByShard.get(2)).containsExactlyInAnyOrder("cx-exporter-a-2", "cx-exporter-b-2");
    assertThat(podsByShard.values()).allSatisfy(pods -> assertThat(pods).hasSize(2));
    // the two StatefulSets never select each other's pods
    Map<String, String> a = sets.get(0).getSpec().getSelector().getMatchLabels();
    Map<String, String> b = sets.get(1).getSpec().getSelector().getMatchLabels();
    assertThat(selects(a, sets.get(1))).as("a's selector matches b's pods").isFalse();
    assertThat(selects(b, sets.get(0))).as("b's selector matches a's pods").isFalse();
    // both replicas of a shard preferably on different nodes
    for (StatefulSet sts : sets) {
      assertThat(sts.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(t.getLabelSelector().getMatchLabels())
                    .containsExactlyEntriesOf(Map.of("app.kubernetes.io/name", "cx-exporter"));
              });
    }
    // one config, one set of connectors, shared by every shard
    assertThat(sets)
        .extracting(s -> volumeAt(s, "/etc/cx-exporter/conf.d").getConfigMap().getName())
        .containsOnly(sharded.configMap("cx-exporter-connectors").getMetadata().getName());
    assertThat(sharded.configMap("cx-exporter-connectors").getData())
        .containsOnlyKeys("demo.yml", "demo-more.yml");
  }

  // --- dashboards, rules, components -----------------------------------------------------------

  @Test
  void dashboardsAreByteIdenticalToTheirCanonicalMinification() throws IOException {
    List<ConfigMap> dashboards =
        base.all(ConfigMap.class).stream()
            .filter(cm -> "1".equals(cm.getMetadata().getLabels().get("grafana_dashboard")))
            .toList();
    assertThat(dashboards).hasSameSizeAs(Dashboards.files());
    for (Path source : Dashboards.files()) {
      String file = source.getFileName().toString();
      ConfigMap cm = base.configMap(DashboardConfigMaps.configMapName(file));
      assertThat(cm.getData()).containsOnlyKeys(file);
      String data = cm.getData().get(file);
      assertThat(data.getBytes(StandardCharsets.UTF_8))
          .as(file + " in its ConfigMap")
          .isEqualTo(DashboardConfigMaps.canonical(source).getBytes(StandardCharsets.UTF_8))
          .isEqualTo(Files.readAllBytes(DashboardConfigMaps.dir().resolve(file)));
      assertThat(DashboardConfigMaps.tree(data))
          .isEqualTo(DashboardConfigMaps.tree(Files.readString(source)));
      assertThat(DashboardConfigMaps.lastAppliedBytes(file, data))
          .isLessThan(DashboardConfigMaps.ANNOTATION_LIMIT_BYTES / 2);
    }
  }

  @Test
  void thePrometheusRuleIsTheGeneratedFileUnchanged() throws IOException {
    JsonNode file =
        YAML.readTree(Kustomize.deployDir().resolve("base/prometheus-rule.yaml").toFile());
    assertThat(raw(base, "PrometheusRule")).isEqualTo(file);
  }

  @Test
  void theReleaseLabelComponentLabelsOnlyTheOperatorObjects() throws Exception {
    List<JsonNode> objects = Kustomize.render(Kustomize.overlay("release", "prometheus-release"));
    assertThat(objects).hasSameSizeAs(base.raw());
    for (JsonNode o : objects) {
      boolean operator = o.path("apiVersion").asText().startsWith("monitoring.coreos.com/");
      JsonNode release = o.path("metadata").path("labels").path("release");
      assertThat(release.asText(null))
          .as(o.path("kind").asText())
          .isEqualTo(operator ? "kube-prometheus-stack" : null);
      if (operator) {
        assertThat(CrdSchemas.validate(o)).isEmpty();
      }
    }
  }

  @Test
  void withoutTheOperatorComponentDropsItsObjects() throws Exception {
    List<JsonNode> objects =
        Kustomize.render(Kustomize.overlay("no-operator", "without-prometheus-operator"));
    assertThat(objects).hasSize(base.raw().size() - 2);
    assertThat(objects)
        .noneMatch(o -> o.path("apiVersion").asText().startsWith("monitoring.coreos.com/"));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static List<StatefulSet> statefulSets() {
    List<StatefulSet> all = new ArrayList<>(base.all(StatefulSet.class));
    all.addAll(sharded.all(StatefulSet.class));
    assertThat(all).hasSize(3);
    return all;
  }

  private static List<String> kinds(Rendering r) {
    return r.raw().stream()
        .map(
            o ->
                o.path("kind").asText()
                    + "/"
                    + o.path("metadata")
                        .path("name")
                        .asText()
                        .replaceFirst("-[bcdfghjklmnpqrstvwxz2456789]{10}$", ""))
        .toList();
  }

  private static JsonNode raw(Rendering r, String kind) {
    return r.raw().stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind));
  }

  private static JsonNode mainConfig(Rendering r) throws IOException {
    ConfigMap cm = r.configMap("cx-exporter-config");
    return YAML.readTree(cm.getData().get("cx.yml"));
  }

  private static boolean selects(Map<String, String> selector, StatefulSet sts) {
    return sts.getSpec()
        .getTemplate()
        .getMetadata()
        .getLabels()
        .entrySet()
        .containsAll(selector.entrySet());
  }

  private static Container container(StatefulSet sts) {
    List<Container> cs = sts.getSpec().getTemplate().getSpec().getContainers();
    assertThat(cs).hasSize(1);
    return cs.get(0);
  }

  private static String arg(StatefulSet sts, String prefix) {
    return container(sts).getArgs().stream()
        .filter(a -> a.startsWith(prefix))
        .map(a -> a.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " in " + container(sts).getArgs()));
  }

  private static VolumeMount mountAt(StatefulSet sts, String path) {
    return container(sts).getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  private static VolumeMount mountOf(StatefulSet sts, String volume) {
    return container(sts).getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst()
        .orElseThrow(() -> new AssertionError("volume " + volume + " not mounted"));
  }

  private static Volume volumeAt(StatefulSet sts, String path) {
    String name = mountAt(sts, path).getName();
    return sts.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static void assertHttpProbe(Probe p, String path) {
    assertThat(p).as("probe on " + path).isNotNull();
    assertThat(p.getHttpGet().getPath()).isEqualTo(path);
    assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(p.getTimeoutSeconds()).isPositive();
  }
}
