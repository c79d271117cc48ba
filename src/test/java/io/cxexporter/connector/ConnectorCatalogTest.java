package io.cxexporter.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.app.ConfigLoader;
import io.cxexporter.app.ExporterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every connector type the jar registers ({@code src/main/resources/META-INF/services}) ships what
 * a user needs to adopt it: {@code examples/<type>.yml} that passes {@code --config.check} (the
 * same loader, with every {@code ${ENV}} it names set), {@code docs/connectors/<type>.md}, and a
 * row in the README's connector table. Test-only types (registered under {@code src/test}) are not
 * listed.
 */
class ConnectorCatalogTest {
  static final Path SERVICES =
      Path.of("src/main/resources/META-INF/services/io.cxexporter.connector.ConnectorFactory");

  static List<String> registeredTypes() throws Exception {
    List<String> types = new ArrayList<>();
    for (String line : Files.readAllLines(SERVICES)) {
      String cls = line.replaceAll("#.*", "").trim();
      if (!cls.isEmpty()) {
        ConnectorFactory<?> f =
            (ConnectorFactory<?>) Class.forName(cls).getDeclaredConstructor().newInstance();
        types.add(f.type());
      }
    }
    return types;
  }

  @Test
  void theRegisteredTypesAreTheOnesTheLoaderFinds() throws Exception {
    assertThat(ConfigLoader.discoverFactories().keySet()).containsAll(registeredTypes());
    assertThat(registeredTypes()).contains("demo", "zendesk");
  }

  @Test
  void everyTypeHasAnExampleThatPassesTheConfigCheck() throws Exception {
    ConfigLoader loader = new ConfigLoader(name -> "placeholder", ConfigLoader.discoverFactories());
    for (String type : registeredTypes()) {
      Path example = Path.of("examples", type.replace('_', '-') + ".yml");
      assertThat(example).as("examples/%s.yml", type.replace('_', '-')).isRegularFile();
      ExporterConfig c = loader.load(example);
      assertThat(c.connectors())
          .as("%s configures a %s connector", example, type)
          .anySatisfy(spec -> assertThat(spec.type()).isEqualTo(type));
    }
  }

  @Test
  void everyTypeHasItsDocAndAReadmeRow() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String type : registeredTypes()) {
      Path doc = doc(type);
      assertThat(doc).as("docs/connectors/%s.md", type.replace('_', '-')).isRegularFile();
      assertThat(heading(doc)).as("%s names its type", doc).contains("`type: " + type + "`");
      assertThat(readme)
          .as("README connector table row for %s", type)
          .containsPattern("(?m)^\\| `" + type + "` \\|");
    }
  }

  /** A type's doc: its name with {@code -} for {@code _} (jira_service_management → jira-…). */
  static Path doc(String type) {
    return Path.of("docs/connectors", type.replace('_', '-') + ".md");
  }

  private static String heading(Path doc) throws IOException {
    return Files.readAllLines(doc).get(0);
  }
}
