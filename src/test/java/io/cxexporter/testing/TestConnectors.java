package io.cxexporter.testing;

import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a connector from a config block the way the config layer does (the loader reads {@code
 * name}, {@code type} and {@code poll_interval}; the factory parses the rest; unknown keys are
 * problems), for tests.
 *
 * <pre>{@code
 * Connector zd = TestConnectors.of(new ZendeskConnectorFactory())
 *     .with("base_url", vendor.baseUrl())
 *     .with("auth", Map.of("email", "ops@acme.example", "token", "tok"))
 *     .build(new ConnectorContext(clock));
 * }</pre>
 */
public final class TestConnectors<O> {
  private final ConnectorFactory<O> factory;
  private final Map<String, Object> block = new LinkedHashMap<>();

  private TestConnectors(ConnectorFactory<O> factory) {
    this.factory = factory;
    block.put("name", "vendor");
    block.put("type", factory.type());
  }

  /** A block of {@code factory}'s type named {@code vendor}. */
  public static <O> TestConnectors<O> of(ConnectorFactory<O> factory) {
    return new TestConnectors<>(factory);
  }

  /** Sets a key of the block ({@code name} included). */
  public TestConnectors<O> with(String key, Object value) {
    block.put(key, value);
    return this;
  }

  /** Sets every key of {@code keys}. */
  public TestConnectors<O> with(Map<String, ?> keys) {
    block.putAll(keys);
    return this;
  }

  /** The problems the block has, each with its path ({@code connectors[0].base_url: required}). */
  public List<String> problems() {
    Problems p = new Problems();
    parse(p);
    return p.messages();
  }

  /** The parsed options; fails on any problem. */
  public O options() {
    Problems p = new Problems();
    O o = parse(p);
    if (!p.isEmpty()) {
      throw new AssertionError("config problems: " + p.messages());
    }
    return o;
  }

  /** The running connector; fails on any problem. */
  public Connector build(ConnectorContext ctx) {
    return factory.create(options(), ctx);
  }

  private O parse(Problems p) {
    Settings s =
        Settings.root(Map.of("connectors", List.of(block)), p, k -> null, Path.of("."))
            .objects("connectors")
            .get(0);
    s.string("type");
    s.duration("poll_interval", Duration.ofSeconds(60));
    O o = factory.parse(s);
    s.finish();
    return o;
  }
}
