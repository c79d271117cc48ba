package io.cxexporter.connector;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.app.ConfigLoader;
import io.cxexporter.app.ConnectorSpec;
import io.cxexporter.app.ExporterConfig;
import io.cxexporter.config.ConfigException;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingRequests;
import io.cxexporter.testing.RecordingSleeper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Runs a recipe of {@code examples/generic/} (an {@code http_json} config loaded by the real {@link
 * ConfigLoader}) and its native twin on the same vendor stubs, each on its own state directory and
 * clock at the same instant, and compares what they export. See {@code
 * FreshdeskRecipeCrossCheckTest} and {@code ZendeskRecipeCrossCheckTest}.
 */
public final class RecipeCrossCheck {
  private RecipeCrossCheck() {}

  /**
   * What one connector did: the KPIs after its backfill and after a restart, and the requests each
   * cost (as {@code path?query}, in order).
   */
  public record Run(
      KpiSnapshot backfilled,
      List<String> backfillRequests,
      KpiSnapshot restarted,
      List<String> restartRequests) {}

  /**
   * Loads {@code recipe} as {@code --config.check} and the exporter do, with {@code env} as the
   * environment (a variable it names that is not in {@code env} is a config problem).
   *
   * @throws ConfigException listing every problem of the recipe
   */
  public static ExporterConfig load(Path recipe, Map<String, String> env) throws ConfigException {
    return new ConfigLoader(env::get, ConfigLoader.discoverFactories()).load(recipe);
  }

  /** The recipe's one connector. */
  public static ConnectorSpec connector(Path recipe, Map<String, String> env)
      throws ConfigException {
    List<ConnectorSpec> specs = load(recipe, env).connectors();
    assertThat(specs).as("%s configures one connector", recipe).hasSize(1);
    assertThat(specs.get(0).type()).isEqualTo("http_json");
    return specs.get(0);
  }

  /**
   * A backfill (every stream until caught up) on a fresh state directory, then a restart: a second
   * connector on the same directory, one poll, which must find nothing new.
   */
  public static Run run(
      WireMockServer vendor, Path dir, String now, Function<ConnectorContext, Connector> make) {
    MutableClock clock = MutableClock.at(now);
    ConnectorContext ctx =
        new ConnectorContext(clock, new RecordingRequests(), new RecordingSleeper(clock));
    vendor.resetRequests();
    KpiSnapshot backfilled;
    try (SyncHarness h = new SyncHarness(dir, make.apply(ctx), clock)) {
      assertThat(h.syncAll()).as("backfill failures").isEmpty();
      backfilled = h.snapshot();
    }
    List<String> backfill = requests(vendor);
    vendor.resetRequests();
    KpiSnapshot restarted;
    try (SyncHarness h = new SyncHarness(dir, make.apply(ctx), clock)) {
      assertThat(h.syncAll()).as("restart failures").isEmpty();
      assertThat(h.transitions).as("nothing new after a restart: nothing counted").isEmpty();
      restarted = h.snapshot();
    }
    List<String> restart = requests(vendor);
    vendor.resetRequests();
    return new Run(backfilled, backfill, restarted, restart);
  }

  /** The requests the vendor received since the last reset, oldest first. */
  static List<String> requests(WireMockServer vendor) {
    List<LoggedRequest> all = new ArrayList<>(vendor.findAll(anyRequestedFor(anyUrl())));
    all.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
    List<String> out = new ArrayList<>();
    all.forEach(r -> out.add(r.getMethod() + " " + r.getUrl()));
    return out;
  }

  /**
   * Every series of the snapshot as {@code name{label="value",...} value}, without the {@code
   * source} label (the native connector and the recipe have different names), leaving out the KPI
   * families in {@code excluded}.
   */
  public static Set<String> series(KpiSnapshot s, Set<String> excluded) {
    Set<String> out = new TreeSet<>();
    for (KpiSeries k : s.series()) {
      if (excluded.contains(k.name())) {
        continue;
      }
      StringBuilder b = new StringBuilder(k.name()).append('{');
      boolean first = true;
      for (int i = 0; i < k.labelNames().size(); i++) {
        if (k.labelNames().get(i).equals("source")) {
          continue;
        }
        b.append(first ? "" : ",")
            .append(k.labelNames().get(i))
            .append("=\"")
            .append(k.labelValues().get(i))
            .append('"');
        first = false;
      }
      out.add(b.append("} ").append(k.value()).toString());
    }
    return out;
  }

  /**
   * The value of the series of {@code source} with exactly the labels {@code kv} (pairs) besides
   * {@code source}; NaN when there is none.
   */
  public static double value(KpiSnapshot s, String source, String name, String... kv) {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    labels.put("source", source);
    for (int i = 0; i < kv.length; i += 2) {
      labels.put(kv[i], kv[i + 1]);
    }
    return s.value(name, labels);
  }

  /** The open tickets of {@code source}: the sum of its {@code tickets_open} series. */
  public static double backlog(KpiSnapshot s, String source) {
    return s.find("tickets_open", Map.of("source", source)).stream()
        .mapToDouble(KpiSeries::value)
        .sum();
  }

  /** The distinct method and path of each request (the query aside). */
  public static Set<String> paths(List<String> requests) {
    Set<String> out = new TreeSet<>();
    for (String r : requests) {
      out.add(r.replaceAll("\\?.*", ""));
    }
    return out;
  }

  /** The KPI families (series names) of a snapshot. */
  public static Set<String> families(KpiSnapshot s) {
    Set<String> out = new TreeSet<>();
    s.series().forEach(k -> out.add(k.name()));
    return out;
  }
}
