package io.cxexporter.app;

import io.cxexporter.config.ConfigException;
import io.cxexporter.connector.CheckResult;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.metrics.RequestMetrics;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.metrics.ShardMetrics;
import io.cxexporter.metrics.SnapshotCollector;
import io.cxexporter.metrics.TransitionMetrics;
import io.cxexporter.store.Quarantine;
import io.cxexporter.store.Store;
import io.cxexporter.store.StoreException;
import io.cxexporter.sync.StreamStatus;
import io.cxexporter.web.StatusSource;
import io.cxexporter.web.WebServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running exporter: wires config, store, pipeline and web server, and reloads. The only class
 * that wires.
 *
 * <pre>{@code
 * try (App app = App.start(config, ConfigLoader.standard(), Path.of("cx.yml"), registry, clock)) {
 *   app.port();
 * }
 * }</pre>
 */
public final class App implements StatusSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  /**
   * What the command line changes in every config the app runs, the first and each reloaded one
   * ({@code --web.listen-address}), so a reload never loses a flag.
   */
  @FunctionalInterface
  public interface Overrides {
    /** No flag overrides anything. */
    Overrides NONE = c -> c;

    /**
     * The config with the flags applied.
     *
     * @throws ConfigException when a flag's value does not fit
     */
    ExporterConfig apply(ExporterConfig config) throws ConfigException;
  }

  private final ConfigLoader loader;
  private final Path configFile;
  private final Overrides overrides;
  private final Sharding sharding;
  private final PrometheusRegistry registry;
  private final Clock clock;
  private final SelfMetrics self;
  private final SnapshotCollector collector;
  private final RequestMetrics requests;
  private final io.cxexporter.alerting.notify.NotifyMetrics notifications;

  /** App-scoped like the other self-metrics: re-registered only when its label names change. */
  private volatile TransitionMetrics transitions;

  private final String version;
  private final ExecutorService reloads =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "cx-reload");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean reloadQueued = new AtomicBoolean();

  /** Set first by {@link #close()}: a reload that has not started yet does not start. */
  private volatile boolean stopping;

  private boolean closed;
  private volatile Store store;
  private volatile Pipeline pipeline;
  private volatile List<String> lastReloadProblems;
  private WebServer web;

  private App(
      ConfigLoader loader,
      Path configFile,
      Overrides overrides,
      Sharding sharding,
      PrometheusRegistry registry,
      Clock clock) {
    this.loader = loader;
    this.configFile = configFile;
    this.overrides = overrides;
    this.sharding = sharding;
    this.registry = registry;
    this.clock = clock;
    Properties build = buildProperties();
    this.version = build.getProperty("version", "dev");
    this.self = SelfMetrics.register(registry, version, build.getProperty("revision", "unknown"));
    this.collector = SnapshotCollector.register(registry);
    this.requests = RequestMetrics.register(registry, self.errors);
    this.notifications = io.cxexporter.alerting.notify.NotifyMetrics.register(registry);
    ShardMetrics.register(registry, sharding.shard(), sharding.total());
  }

  /**
   * Starts the web server, then the pipeline of {@code config}, with no flag overrides.
   *
   * @param configFile the file reloads read again, or null for the built-in demo
   */
  public static App start(
      ExporterConfig config,
      ConfigLoader loader,
      Path configFile,
      PrometheusRegistry registry,
      Clock clock) {
    return start(
        config, WebServer.Options.DEFAULTS, loader, configFile, Overrides.NONE, registry, clock);
  }

  /**
   * Like {@link #start(ExporterConfig, ConfigLoader, Path, PrometheusRegistry, Clock)}, with the
   * {@code --web.*} flags.
   */
  public static App start(
      ExporterConfig config,
      WebServer.Options web,
      ConfigLoader loader,
      Path configFile,
      PrometheusRegistry registry,
      Clock clock) {
    return start(config, web, loader, configFile, Overrides.NONE, registry, clock);
  }

  /**
   * Like {@link #start(ExporterConfig, ConfigLoader, Path, PrometheusRegistry, Clock)}, with flag
   * overrides.
   */
  public static App start(
      ExporterConfig config,
      ConfigLoader loader,
      Path configFile,
      Overrides overrides,
      PrometheusRegistry registry,
      Clock clock) {
    return start(
        config, WebServer.Options.DEFAULTS, loader, configFile, overrides, registry, clock);
  }

  /**
   * Like {@link #start(ExporterConfig, WebServer.Options, ConfigLoader, Path, Overrides, Sharding,
   * PrometheusRegistry, Clock)}, unsharded.
   */
  public static App start(
      ExporterConfig config,
      WebServer.Options web,
      ConfigLoader loader,
      Path configFile,
      Overrides overrides,
      PrometheusRegistry registry,
      Clock clock) {
    return start(config, web, loader, configFile, overrides, Sharding.NONE, registry, clock);
  }

  /**
   * Starts the web server, then the pipeline of {@code config}: of its connectors, those of this
   * shard only.
   *
   * @param config the config with {@code overrides} already applied
   * @param web the {@code --web.*} flags
   * @param configFile the file reloads read again, or null for the built-in demo
   * @param overrides applied again to each reloaded config
   * @param sharding which connectors run here ({@code --shard}, {@code --total-shards}); the same
   *     for each reloaded config
   */
  public static App start(
      ExporterConfig config,
      WebServer.Options web,
      ConfigLoader loader,
      Path configFile,
      Overrides overrides,
      Sharding sharding,
      PrometheusRegistry registry,
      Clock clock) {
    App app = new App(loader, configFile, overrides, sharding, registry, clock);
    JvmMetrics.builder().register(registry);
    app.web = WebServer.start(config.server(), web, registry, app, clock);
    try {
      app.store = app.openStore(config);
      app.transitions = app.transitionMetrics(config);
      app.pipeline =
          Pipeline.start(
              config,
              app.store,
              registry,
              app.collector,
              app.self,
              app.requests,
              app.transitions,
              app.notifications,
              app.web.scheme(),
              sharding,
              clock);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    app.self.reloadSuccessful.set(1);
    app.self.reloadTimestamp.set(clock.millis() / 1000.0);
    LOG.info(
        "cx-exporter {} started: {} connector(s) from {}, state in {}",
        app.version,
        config.connectors().size(),
        config.origin(),
        config.statePath());
    LOG.info(sharding.describe(app.pipeline.connectors.size(), config.connectors().size()));
    return app;
  }

  /**
   * Opens the state of {@code config}: a damaged file moved aside, and a file deleted while
   * running, count in {@code cx_state_resets_total} and show on the status page.
   */
  private Store openStore(ExporterConfig config) {
    Store s = Store.open(config.statePath(), clock, config.onCorruption());
    if (s.reset() != null) {
      self.stateResets.labelValues("damaged").inc();
    }
    s.onReset(reason -> self.stateResets.labelValues(reason).inc());
    return s;
  }

  /**
   * The transition counters for {@code config}: the running ones while their label names stay the
   * same (a reload keeps their values), else new ones in their place.
   */
  private TransitionMetrics transitionMetrics(ExporterConfig config) {
    TransitionMetrics now = transitions;
    if (now != null && now.sameLabels(config.kpi())) {
      return now;
    }
    if (now != null) {
      LOG.info(
          "kpi.dimensions, kpi.histogram_dimensions or kpi.tags changed: the ticket counters"
              + " start again at 0");
      now.unregister();
    }
    return TransitionMetrics.register(registry, config.kpi());
  }

  /** The bound HTTP port. */
  public int port() {
    return web.port();
  }

  /**
   * Reloads now and returns the problems, or null when the new config runs (the HTTP reload). A bad
   * config (main file or any file of {@code connector_files}) keeps the running one. When only
   * connectors changed, they are started, stopped and restarted one by one and the others keep
   * running untouched (no re-sync, no request, counters and KPI state kept). Otherwise the whole
   * pipeline restarts: the running connectors are stopped (their requests cancelled) before their
   * replacements start; counters whose labels did not change keep their values. Either way removed
   * connectors' series go and their stored records stay.
   */
  @Override
  public synchronized List<String> reload() {
    if (stopping) {
      return List.of("shutting down");
    }
    if (web != null) {
      // SIGHUP and POST /-/reload re-read the web config at once, as the watcher would within
      // its poll; a bad change is logged and the running TLS setup and users keep serving
      web.reloadWebConfigIfChanged();
    }
    ExporterConfig next;
    try {
      next =
          overrides.apply(configFile == null ? loader.loadBuiltInDemo() : loader.load(configFile));
    } catch (ConfigException e) {
      self.reloadSuccessful.set(0);
      lastReloadProblems = e.problems();
      LOG.error("reload failed, keeping the running config: {}", e.getMessage());
      return e.problems();
    }
    Pipeline old = pipeline;
    if (old.config.sameBesidesConnectors(next)) {
      return reloadConnectors(old, next);
    }
    if (!Objects.equals(next.server(), old.config.server())) {
      LOG.warn("server settings changed: they take effect only after a restart");
    }
    long t0 = System.nanoTime();
    old.close(old.config.shutdownTimeout());
    LOG.debug("previous connectors stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    List<ConnectorSpec> nextHere = sharding.mine(next.connectors());
    for (String name : old.connectors.stream().map(c -> c.name()).toList()) {
      if (nextHere.stream().noneMatch(c -> c.name().equals(name))) {
        LOG.info("connector {} removed; its stored records stay in the state file", name);
        self.forget(name);
        requests.forget(name);
        transitions.forget(name);
      }
    }
    if (!next.statePath().equals(old.config.statePath())) {
      store.close();
      store = openStore(next);
    }
    transitions = transitionMetrics(next);
    pipeline =
        Pipeline.start(
            next,
            store,
            registry,
            collector,
            self,
            requests,
            transitions,
            notifications,
            web.scheme(),
            sharding,
            clock);
    self.reloadSuccessful.set(1);
    self.reloadTimestamp.set(clock.millis() / 1000.0);
    lastReloadProblems = null;
    LOG.info("config reloaded from {}: {} connector(s)", next.origin(), next.connectors().size());
    LOG.info(sharding.describe(pipeline.connectors.size(), next.connectors().size()));
    return null;
  }

  /**
   * A reload that changes connectors only: the running pipeline starts, stops and restarts them one
   * by one; the untouched ones keep running without a re-sync.
   */
  private List<String> reloadConnectors(Pipeline running, ExporterConfig next) {
    // only this shard's connectors count: one of another shard changing is not this one's change
    ConnectorChanges changes =
        ConnectorChanges.between(
            sharding.mine(running.config.connectors()), sharding.mine(next.connectors()));
    long t0 = System.nanoTime();
    running.update(next, changes);
    for (String name : changes.removed()) {
      self.forget(name);
      requests.forget(name);
      transitions.forget(name);
    }
    self.reloadSuccessful.set(1);
    self.reloadTimestamp.set(clock.millis() / 1000.0);
    lastReloadProblems = null;
    LOG.info(
        "config reloaded from {}: {} connector(s): {} (in {} ms; the rest kept running)",
        next.origin(),
        running.connectors.size(),
        changes,
        (System.nanoTime() - t0) / 1_000_000);
    LOG.info(sharding.describe(running.connectors.size(), next.connectors().size()));
    return null;
  }

  /**
   * Asks for a reload without waiting (SIGHUP). Requests that arrive while one waits are merged
   * into it, and one that arrives while a reload runs queues exactly one more: a storm of signals
   * ends in one reload that read the file after the last signal, never in a queue of reloads.
   */
  public void requestReload() {
    if (reloadQueued.compareAndSet(false, true)) {
      try {
        reloads.execute(
            () -> {
              reloadQueued.set(false);
              try {
                reload();
              } catch (RuntimeException e) {
                LOG.error("reload failed", e);
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        reloadQueued.set(false); // closed
      }
    }
  }

  @Override
  public List<io.cxexporter.alerting.Alert> alerts() {
    Pipeline p = pipeline;
    return p == null || p.alerts == null ? List.of() : p.alerts.active();
  }

  @Override
  public KpiSnapshot snapshot() {
    Pipeline p = pipeline;
    return p == null ? KpiSnapshot.EMPTY : p.publisher.latest();
  }

  @Override
  public List<StreamStatus> streams() {
    Pipeline p = pipeline;
    return p == null ? List.of() : p.sync.status();
  }

  @Override
  public Map<String, String> connectors() {
    Pipeline p = pipeline;
    return p == null ? Map.of() : p.sync.types();
  }

  @Override
  public CheckResult check(String source) {
    Pipeline p = pipeline;
    return p == null ? null : p.sync.check(source);
  }

  @Override
  public Double rateLimitRemaining(String source) {
    return requests.remaining(source);
  }

  @Override
  public List<String> lookupFailures(String source) {
    return requests.lookupFailures(source);
  }

  @Override
  public String stateProblem() {
    Store s = store;
    if (s == null) {
      return null;
    }
    return s.lost() != null ? s.lost() : s.reset();
  }

  @Override
  public Quarantine rejected(String source) {
    Store s = store;
    if (s == null) {
      return Quarantine.EMPTY;
    }
    try {
      return s.rejected(source, REJECTED_SHOWN);
    } catch (StoreException e) {
      return Quarantine.EMPTY; // the page still renders; the store error is counted by the sync
    }
  }

  /** Quarantined records listed per source on the status page. */
  static final int REJECTED_SHOWN = 20;

  @Override
  public boolean ready() {
    Pipeline p = pipeline;
    return p != null && p.sync.ready();
  }

  @Override
  public String configOrigin() {
    Pipeline p = pipeline;
    return p == null ? "" : p.config.origin();
  }

  @Override
  public String version() {
    return "cx-exporter " + version;
  }

  @Override
  public List<String> lastReloadProblems() {
    return lastReloadProblems;
  }

  /**
   * This replica's shard and the number of shards ({@code --shard}, {@code --total-shards}; {@link
   * Sharding#NONE} unsharded), fixed for the life of the process.
   */
  public Sharding sharding() {
    return sharding;
  }

  @Override
  public StatusSource.Shard shard() {
    Pipeline p = pipeline;
    if (p == null) {
      return new StatusSource.Shard(sharding.shard(), sharding.total(), 0, 0);
    }
    int here = p.connectors.size();
    return new StatusSource.Shard(
        sharding.shard(), sharding.total(), here, p.config.connectors().size() - here);
  }

  /** The running pipeline's KPI publisher (tests force a refresh through it). */
  Pipeline pipeline() {
    return pipeline;
  }

  private static Properties buildProperties() {
    Properties p = new Properties();
    try (InputStream in = App.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // version stays "dev"
    }
    return p;
  }

  /**
   * Stops: the connectors first (requests in flight cancelled, the page being read not committed,
   * threads given {@code shutdown_timeout}), then the notifications in flight are flushed, the web
   * server stops, and the state file is checkpointed and closed. Idempotent.
   */
  @Override
  public void close() {
    stopping = true;
    reloads.shutdown(); // a reload in progress ends (close waits for it), none starts
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      long t0 = System.nanoTime();
      if (pipeline != null) {
        pipeline.close(pipeline.config.shutdownTimeout());
      }
      if (web != null) {
        web.close();
      }
      if (store != null) {
        try {
          store.checkpoint();
        } catch (RuntimeException e) {
          LOG.warn("state file not checkpointed: {}", e.getMessage(), e.getCause());
        }
        store.close();
      }
      LOG.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
  }
}
