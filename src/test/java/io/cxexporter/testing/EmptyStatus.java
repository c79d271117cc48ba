package io.cxexporter.testing;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.StreamStatus;
import io.cxexporter.web.StatusSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A status source with nothing to report that counts reloads: for tests of the HTTP surface and the
 * scrape bench (/metrics does not read it); extend it to answer one thing.
 */
public class EmptyStatus implements StatusSource {
  public final AtomicInteger reloads = new AtomicInteger();

  @Override
  public KpiSnapshot snapshot() {
    return KpiSnapshot.EMPTY;
  }

  @Override
  public List<StreamStatus> streams() {
    return List.of();
  }

  @Override
  public Map<String, String> connectors() {
    return Map.of();
  }

  @Override
  public CheckResult check(String source) {
    return null;
  }

  @Override
  public Double rateLimitRemaining(String source) {
    return null;
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public String configOrigin() {
    return "test";
  }

  @Override
  public String version() {
    return "test";
  }

  @Override
  public List<String> lastReloadProblems() {
    return null;
  }

  @Override
  public List<String> reload() {
    reloads.incrementAndGet();
    return null;
  }
}
