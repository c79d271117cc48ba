package io.cxexporter.testing;

import io.cxexporter.config.Settings;
import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.Stream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test-only connector type {@code static}: serves the {@link ScriptedStream}s a test registered
 * under the connector's name, and a check result it chose.
 */
public final class StaticConnectorFactory implements ConnectorFactory<String> {
  public static final Map<String, List<ScriptedStream>> STREAMS = new ConcurrentHashMap<>();
  public static final Map<String, CheckResult> CHECKS = new ConcurrentHashMap<>();

  /** A lookup failure the connector reports when it is created: name → message. */
  public static final Map<String, String> LOOKUP_FAILURES = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "static";
  }

  @Override
  public String parse(Settings s) {
    return s.string("name", "static");
  }

  @Override
  public Connector create(String name, ConnectorContext ctx) {
    String lookupFailure = LOOKUP_FAILURES.get(name);
    if (lookupFailure != null) {
      ctx.requests().onLookupFailed("groups", "transient", lookupFailure);
    }
    return new Connector() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CheckResult check() {
        return CHECKS.getOrDefault(name, CheckResult.ok("static"));
      }

      @Override
      public List<Stream> streams() {
        return List.copyOf(STREAMS.getOrDefault(name, List.of()));
      }

      @Override
      public void close() {}
    };
  }
}
