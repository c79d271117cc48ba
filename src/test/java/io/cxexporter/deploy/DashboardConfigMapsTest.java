package io.cxexporter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.monitoring.Dashboards;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes/base/dashboards/ is generated from grafana-dashboards/*.json (see {@link
 * DashboardConfigMaps}); this test fails when it is stale, and with {@code -Dcx.regenerate=true}
 * rewrites it first:
 *
 * <pre>{@code
 * mvn -B -q test -Dtest=DashboardConfigMapsTest -Dcx.regenerate=true
 * }</pre>
 *
 * KubernetesManifestsIT checks that what kubectl kustomize renders from it is the same bytes.
 */
class DashboardConfigMapsTest {
  @BeforeAll
  static void regenerateIfAsked() throws IOException {
    if (Boolean.getBoolean("cx.regenerate")) {
      DashboardConfigMaps.write(Dashboards.dir(), DashboardConfigMaps.dir());
    }
  }

  @Test
  void theGeneratedFolderIsCurrent() throws IOException {
    assertThat(DashboardConfigMaps.problems(Dashboards.dir(), DashboardConfigMaps.dir()))
        .as(
            "deploy/kubernetes/base/dashboards is stale; regenerate it with: %s",
            DashboardConfigMaps.REGENERATE)
        .isEmpty();
  }

  @Test
  void everyDashboardHasItsMinifiedCopyWithTheSameTree() throws IOException {
    List<Path> sources = Dashboards.files();
    assertThat(sources).isNotEmpty();
    for (Path source : sources) {
      Path copy = DashboardConfigMaps.dir().resolve(source.getFileName());
      String text = Files.readString(copy, StandardCharsets.UTF_8);
      assertThat(DashboardConfigMaps.tree(text))
          .as(copy + " parses to the tree of " + source)
          .isEqualTo(DashboardConfigMaps.tree(Files.readString(source)));
      assertThat(text).as("minified: one line").hasLineCount(1).doesNotContain("\n  ");
      assertThat(text.length()).isLessThan((int) Files.size(source));
    }
  }

  @Test
  void theCanonicalFormIsAFixedPoint(@TempDir Path tmp) throws IOException {
    for (Path source : Dashboards.files()) {
      String once = DashboardConfigMaps.canonical(source);
      Path again = tmp.resolve(source.getFileName());
      Files.writeString(again, once);
      assertThat(DashboardConfigMaps.canonical(again)).isEqualTo(once);
    }
  }

  @Test
  void eachConfigMapStaysWellUnderKubectlsAnnotationLimit() throws IOException {
    for (Path source : Dashboards.files()) {
      String name = source.getFileName().toString();
      int bytes =
          DashboardConfigMaps.lastAppliedBytes(
              name, Files.readString(DashboardConfigMaps.dir().resolve(name)));
      System.out.printf("%s: last-applied annotation %,d bytes%n", name, bytes);
      assertThat(bytes)
          .as("%s's ConfigMap in kubectl's last-applied annotation", name)
          .isLessThan(DashboardConfigMaps.ANNOTATION_LIMIT_BYTES / 2);
    }
  }

  @Test
  void theKustomizationMakesOneLabelledConfigMapPerDashboard() throws IOException {
    String k = Files.readString(DashboardConfigMaps.dir().resolve(DashboardConfigMaps.GENERATED));
    assertThat(k).contains("grafana_dashboard: \"1\"", "disableNameSuffixHash: true");
    for (Path source : Dashboards.files()) {
      String f = source.getFileName().toString();
      assertThat(k)
          .contains(
              "- name: "
                  + DashboardConfigMaps.configMapName(f)
                  + "\n    files:\n      - "
                  + f
                  + "\n");
    }
  }

  /** The staleness check bites: an edited, a missing and a left-over file are each reported. */
  @Test
  void aStaleFolderIsReportedFileByFile(@TempDir Path tmp) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path gen = tmp.resolve("gen");
    for (Path source : Dashboards.files()) {
      Files.copy(source, src.resolve(source.getFileName()));
    }
    DashboardConfigMaps.write(src, gen);
    assertThat(DashboardConfigMaps.problems(src, gen)).isEmpty();

    // a dashboard changed after the last regeneration
    Path overview = src.resolve("cx-overview.json");
    Files.writeString(
        overview, Files.readString(overview).replaceFirst("\"title\": \"", "\"title\": \"X"));
    // a dashboard added, and one whose copy is gone
    Files.copy(overview, src.resolve("cx-new.json"));
    Files.delete(gen.resolve("cx-teams.json"));
    // a dashboard removed from grafana-dashboards/
    Files.delete(src.resolve("cx-exporter.json"));

    assertThat(DashboardConfigMaps.problems(src, gen))
        .containsExactlyInAnyOrder(
            gen.resolve("cx-new.json") + ": missing",
            gen.resolve("cx-overview.json") + ": stale, not what " + src + " makes",
            gen.resolve("cx-teams.json") + ": missing",
            gen.resolve("kustomization.yaml") + ": stale, not what " + src + " makes",
            gen.resolve("cx-exporter.json") + ": no dashboard in " + src + " makes it");

    DashboardConfigMaps.write(src, gen);
    assertThat(DashboardConfigMaps.problems(src, gen)).isEmpty();
    assertThat(gen.resolve("cx-exporter.json")).doesNotExist();
  }

  /** Pretty-printed or reordered JSON is not the canonical form, even with the same tree. */
  @Test
  void onlyTheCanonicalBytesCount(@TempDir Path tmp) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path gen = tmp.resolve("gen");
    Path source = Dashboards.dir().resolve("cx-exporter.json");
    Files.copy(source, src.resolve("cx-exporter.json"));
    DashboardConfigMaps.write(src, gen);
    Files.copy(
        source, gen.resolve("cx-exporter.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(DashboardConfigMaps.problems(src, gen)).hasSize(1);
  }
}
