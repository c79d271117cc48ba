package io.cxexporter.connector.httpjson;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.app.ConfigLoader;
import io.cxexporter.app.ExporterConfig;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The connector contract for a shipped recipe of {@code examples/generic/}: the file is loaded
 * through the real config loader, its environment pointed at WireMock, with each of {@link
 * #smallPages()}'s texts replaced once (a page size of 100 becomes 3, so a few fixture records span
 * several pages).
 */
abstract class RecipeContractTest extends ConnectorContractTest {
  /** The recipe file, e.g. {@code examples/generic/zammad.yml}. */
  protected abstract Path recipe();

  /** The recipe's environment variables for a vendor at {@code baseUrl}. */
  protected abstract Map<String, String> env(String baseUrl);

  /** Text of the recipe → its replacement, each found exactly once (e.g. the page size). */
  protected abstract Map<String, String> smallPages();

  /** The recipes' fixtures are all on 2026-11-18 UTC, read at 13:00. */
  @Override
  protected String now() {
    return "2026-11-18T13:00:00Z";
  }

  /** A recipe's main stream is its ticket list. */
  @Override
  protected String mainStream() {
    return "tickets";
  }

  /** The recipe file as shipped, with {@link #smallPages()} applied. */
  protected String recipeText() throws Exception {
    String text = Files.readString(recipe());
    for (Map.Entry<String, String> e : smallPages().entrySet()) {
      assertThat(text).containsOnlyOnce(e.getKey());
      text = text.replace(e.getKey(), e.getValue());
    }
    return text;
  }

  /** {@code text} parsed as the recipe file with {@code env}. */
  protected ExporterConfig load(String text, Map<String, String> env) throws Exception {
    return new ConfigLoader(env::get, ConfigLoader.discoverFactories())
        .parse(text, recipe().toString(), Path.of("."));
  }

  /** The shipped file as a user loads it, with {@code env}. */
  protected ExporterConfig loadShipped(Map<String, String> env) throws Exception {
    return new ConfigLoader(env::get, ConfigLoader.discoverFactories()).load(recipe());
  }

  @Override
  public Connector connector(String baseUrl, ConnectorContext ctx) {
    try {
      return load(recipeText(), env(baseUrl)).connectors().get(0).create(ctx);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
