package io.cxexporter.app;

import io.cxexporter.alerting.RuleEvaluator;
import io.cxexporter.alerting.SlaReminders;
import io.cxexporter.alerting.TicketContext;
import io.cxexporter.alerting.notify.NotifyMetrics;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.metrics.KpiPublisher;
import io.cxexporter.metrics.RequestMetrics;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.metrics.SnapshotCollector;
import io.cxexporter.metrics.TransitionMetrics;
import io.cxexporter.store.AlertLog;
import io.cxexporter.store.Store;
import io.cxexporter.sync.Generation;
import io.cxexporter.sync.SyncEngine;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one config runs: the KPI engine (rebuilt from the store, counting nothing), the KPI
 * publisher and the sync engine with its connectors. A reload that changes anything but the
 * connectors closes one pipeline and starts the next on the same store and the same metrics: the
 * transition counters belong to the {@link App}, so a reload does not reset them. A reload that
 * changes only connectors {@link #update updates} the running pipeline connector by connector.
 *
 * <p>Each connector's run is one {@link Generation}: its request metrics, like its sync writes, go
 * through it, so a thread of a stopped connector that wakes late writes nothing.
 */
final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /**
   * The whole config running (every connector, also those of other shards): replaced by {@link
   * #update}.
   */
  volatile ExporterConfig config;

  /** The connectors of this shard, the ones this pipeline runs, in config order. */
  volatile List<ConnectorSpec> connectors;

  final KpiEngine kpi;
  final KpiPublisher publisher;
  final SyncEngine sync;

  /** The alerting agent, or null without {@code alerting.rules}. */
  final AlertAgent alerts;

  private final Store store;
  private final RequestMetrics requests;
  private final Sharding sharding;
  private final Clock clock;

  private Pipeline(
      ExporterConfig config,
      List<ConnectorSpec> connectors,
      KpiEngine kpi,
      KpiPublisher publisher,
      SyncEngine sync,
      AlertAgent alerts,
      Store store,
      RequestMetrics requests,
      Sharding sharding,
      Clock clock) {
    this.config = config;
    this.connectors = connectors;
    this.kpi = kpi;
    this.publisher = publisher;
    this.sync = sync;
    this.alerts = alerts;
    this.store = store;
    this.requests = requests;
    this.sharding = sharding;
    this.clock = clock;
  }

  static Pipeline start(
      ExporterConfig config,
      Store store,
      PrometheusRegistry registry,
      SnapshotCollector collector,
      SelfMetrics self,
      RequestMetrics requests,
      TransitionMetrics transitions,
      NotifyMetrics notifications,
      String scheme,
      Sharding sharding,
      Clock clock) {
    // the other shards' connectors were validated with the config; they neither load nor run here
    List<ConnectorSpec> here = sharding.mine(config.connectors());
    KpiEngine kpi = new KpiEngine(config.kpi(), clock);
    long t0 = System.nanoTime();
    List<String> names = here.stream().map(ConnectorSpec::name).toList();
    long loaded = kpi.loadAll(sink -> store.forEach(names, sink));
    if (loaded > 0) {
      LOG.info("loaded {} stored records in {} ms", loaded, (System.nanoTime() - t0) / 1_000_000);
    }
    KpiPublisher publisher =
        new KpiPublisher(kpi, transitions, collector, self, clock, config.kpi().refreshInterval());
    SyncEngine sync =
        new SyncEngine(
            store,
            kpi,
            publisher::initializeNewLabels,
            transitions::record,
            publisher::markDirty,
            self,
            clock);
    for (ConnectorSpec spec : here) {
      add(sync, spec, requests, clock);
    }
    // the connectors start before the first snapshot: it rebuilds every source's windows (3-4 s
    // of one core at 1,000 sources) while they read their first pages on the other cores
    sync.start();
    try {
      publisher.refresh();
    } catch (RuntimeException | Error e) {
      sync.close(config.shutdownTimeout());
      throw e;
    }
    publisher.start();
    AlertAgent alerts = null;
    if (config.alerting().enabled()) {
      AlertLog log = new AlertLog(store);
      TicketContext tickets = new TicketContext(kpi, sync::ticketUrl, clock);
      RuleEvaluator evaluator =
          new RuleEvaluator(
              config.alerting(),
              config.kpi().dimensions(),
              log,
              clock,
              publisher::latest,
              sync::connectorsUp,
              tickets,
              statusUrl(config, scheme));
      SlaReminders reminders =
          new SlaReminders(
              config.alerting(),
              () -> tickets.dueTickets(publisher.latest()),
              clock,
              statusUrl(config, scheme));
      // with alerting.ha each shard elects its own notifier: the Lease is
      // alerting.ha.kubernetes_lease.name unsharded, "<name>-shard-<N>" on shard N of M > 1
      alerts =
          AlertAgent.create(
              config.alerting(),
              evaluator,
              reminders,
              log,
              registry,
              notifications,
              clock,
              sharding.shard(),
              sharding.total());
      alerts.start();
    }
    if (alerts == null) {
      notifications.retainOnly(List.of());
    }
    return new Pipeline(
        config, here, kpi, publisher, sync, alerts, store, requests, sharding, clock);
  }

  /** Adds one connector to {@code sync}, its request metrics gated by its own run. */
  private static void add(
      SyncEngine sync, ConnectorSpec spec, RequestMetrics requests, Clock clock) {
    sync.add(
        spec.name(),
        spec.type(),
        spec.pollInterval(),
        run ->
            spec.create(new ConnectorContext(clock, gated(requests.forSource(spec.name()), run))));
  }

  /**
   * Runs {@code next}, which differs from the running config in its connectors only: stops the
   * removed and changed connectors (each given {@code shutdown_timeout}) and drops the removed ones
   * from the KPIs, then loads each added or changed connector's stored records into the KPI engine
   * and starts it (their series are published by the next refresh, within a second), and publishes
   * a snapshot without the removed ones before it returns. Unchanged connectors are not touched:
   * their stream runners, cursors, KPI state and counters go on as they were, and they make no
   * request because of the update. The removed connectors' metrics are the caller's to forget.
   * {@code changes} are this shard's only: those between {@link Sharding#mine} of both configs.
   */
  void update(ExporterConfig next, ConnectorChanges changes) {
    long t0 = System.nanoTime();
    for (String name : changes.removed()) {
      sync.remove(name, config.shutdownTimeout());
      publisher.drop(name);
      LOG.info("connector {} removed; its stored records stay in the state file", name);
    }
    for (ConnectorSpec spec : changes.changed()) {
      sync.remove(spec.name(), config.shutdownTimeout());
      LOG.info("connector {} changed ({}): restarting it", spec.name(), spec.file());
    }
    long t1 = System.nanoTime();
    Set<String> added = new HashSet<>();
    changes.added().forEach(s -> added.add(s.name()));
    Set<String> start = new HashSet<>(added);
    changes.changed().forEach(s -> start.add(s.name()));
    for (ConnectorSpec spec : next.connectors()) {
      if (start.contains(spec.name())) {
        long n = load(store, publisher, spec.name());
        add(sync, spec, requests, clock);
        if (added.contains(spec.name())) {
          LOG.info("connector {} added ({}), {} stored records", spec.name(), spec.file(), n);
        }
      }
    }
    config = next;
    connectors = sharding.mine(next.connectors());
    long t2 = System.nanoTime();
    if (!changes.removed().isEmpty()) {
      publisher.refresh(); // the removed connectors' series go before the reload returns
    } // the added and changed ones' load marked the snapshot dirty: refreshed within a second
    LOG.debug(
        "connectors updated: {}; stopped in {} ms, loaded and started in {} ms, published in {} ms",
        changes,
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (System.nanoTime() - t2) / 1_000_000);
  }

  /**
   * Where alert notifications link back to: the status page.
   *
   * @param scheme the web server's: {@code https} when TLS comes from the web config or {@code
   *     server.tls}
   */
  static String statusUrl(ExporterConfig config, String scheme) {
    String host = config.server().host();
    if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    }
    return scheme + "://" + host + ":" + config.server().port() + "/";
  }

  /** Feeds every stored record of a source to the KPI engine as history (no counters). */
  private static long load(Store store, KpiPublisher publisher, String source) {
    return publisher.load(source, action -> store.forEach(source, action));
  }

  /**
   * A listener that drops what a closed pipeline's connector reports: its cancelled request is not
   * counted, and its late answer cannot re-create the series of a connector the reload removed.
   */
  static RequestListener gated(RequestListener to, Generation generation) {
    return new RequestListener() {
      @Override
      public void onRequest(String endpoint, String code, Duration latency) {
        generation.write(() -> to.onRequest(endpoint, code, latency));
      }

      @Override
      public void onSent(String method, String url, Map<String, String> headers, String code) {
        generation.write(() -> to.onSent(method, url, headers, code));
      }

      @Override
      public void onRateLimitRemaining(double remaining) {
        generation.write(() -> to.onRateLimitRemaining(remaining));
      }

      @Override
      public void onCredits(String endpoint, double credits) {
        generation.write(() -> to.onCredits(endpoint, credits));
      }

      @Override
      public void onLookupFailed(String lookup, String kind, String message) {
        generation.write(() -> to.onLookupFailed(lookup, kind, message));
      }

      @Override
      public void onClockSkew(double seconds) {
        generation.write(() -> to.onClockSkew(seconds));
      }

      @Override
      public void onLookupRecovered(String lookup) {
        generation.write(() -> to.onLookupRecovered(lookup));
      }
    };
  }

  /** Stops within 10 s; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /**
   * Stops the connectors first (their requests cancelled, their threads given {@code timeout}), so
   * nothing writes while the rest stops; then flushes the notifications in flight and stops the KPI
   * refresh.
   */
  void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    sync.close(timeout);
    if (alerts != null) {
      // what is left of the timeout, and never less than a moment to send what is queued
      alerts.close(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 200_000_000L)));
    }
    publisher.close();
  }
}
