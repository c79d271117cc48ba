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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only connector type {@code static}: serves the {@link ScriptedStream}s a test registered
 * under the connector's name, and a check result it chose. It counts its instances and checks by
 * name, and accepts an optional {@code token} (or {@code token_file}) that it never uses, so a test
 * can change a connector's secret.
 */
public final class StaticConnectorFactory implements ConnectorFactory<String> {
  public static final Map<String, List<ScriptedStream>> STREAMS = new ConcurrentHashMap<>();
  public static final Map<String, CheckResult> CHECKS = new ConcurrentHashMap<>();

  /** How many connectors of each name were created (a reload that restarts one adds one). */
  public static final Map<String, AtomicInteger> CREATED = new ConcurrentHashMap<>();

  /** How many times each connector's {@code check()} ran. */
  public static final Map<String, AtomicInteger> CHECKED = new ConcurrentHashMap<>();

  /** A lookup failure the connector reports when it is created: name → message. */
  public static final Map<String, String> LOOKUP_FAILURES = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "static";
  }

  @Override
  public String parse(Settings s) {
    s.secret("token");
    return s.string("name", "static");
  }

  /** The count of {@code name} in {@code counts}, 0 when absent. */
  public static int count(Map<String, AtomicInteger> counts, String name) {
    AtomicInteger n = counts.get(name);
    return n == null ? 0 : n.get();
  }

  @Override
  public Connector create(String name, ConnectorContext ctx) {
    CREATED.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
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
        CHECKED.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
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
