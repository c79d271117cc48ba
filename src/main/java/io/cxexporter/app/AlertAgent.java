package io.cxexporter.app;

import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.AlertRule;
import io.cxexporter.alerting.AlertingConfig;
import io.cxexporter.alerting.Reminder;
import io.cxexporter.alerting.RuleEvaluator;
import io.cxexporter.alerting.SlaReminders;
import io.cxexporter.alerting.ha.DeliveryRecord;
import io.cxexporter.alerting.ha.LeaderElection;
import io.cxexporter.alerting.ha.LeaseConfig;
import io.cxexporter.alerting.notify.Dispatcher;
import io.cxexporter.alerting.notify.Notifier;
import io.cxexporter.alerting.notify.Notifiers;
import io.cxexporter.alerting.notify.NotifyMetrics;
import io.cxexporter.alerting.notify.ReminderLog;
import io.cxexporter.alerting.notify.SentLog;
import io.cxexporter.metrics.MetricNames;
import io.cxexporter.store.AlertLog;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running alerting agent of one config: evaluates the rules every {@code evaluation_interval},
 * hands firing and resolved alerts to the notifiers, and exports {@code
 * cx_alerts{alertname,state}}; after each evaluation, the rules' SLA reminders that are due. A
 * reload closes it and starts the next one; alert state and delivery times live in the state file,
 * so neither a reload nor a restart pages twice.
 *
 * <p>With {@code alerting.ha.kubernetes_lease}, every replica evaluates (so {@code cx_alerts} and
 * the alert state are the same everywhere and warm at a take-over) but only the one holding the
 * Lease notifies ({@link LeaderElection}). The leader's delivery log goes to the Kubernetes API
 * after each delivery, and a new leader adopts it before its first send: an alert already sent is
 * not sent again, and a resolve goes out for an alert the old leader sent firing, also when it
 * resolved while this replica was still a follower.
 */
public final class AlertAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertAgent.class);

  /** Reminder deliveries older than this are forgotten (their due time is long past). */
  static final Duration REMINDER_MEMORY = Duration.ofDays(30);

  /** Alerts that resolved while this replica followed, kept for a take-over to resolve. */
  static final int MAX_RESOLVED_WHILE_FOLLOWING = 1000;

  private final RuleEvaluator evaluator;
  private final SlaReminders reminders;
  private final Dispatcher dispatcher;
  private final PrometheusRegistry registry;
  private final Gauge alerts;
  private final NotifyMetrics notifyMetrics;
  private final List<String> ruleNames;
  private final ScheduledExecutorService executor;

  /** The election, or null without {@code alerting.ha}. */
  private final LeaderElection ha;

  /** Guarded by the evaluation thread: resolves a follower saw, by fingerprint, oldest first. */
  private final Map<String, Alert> resolvedWhileFollowing =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Alert> eldest) {
          return size() > MAX_RESOLVED_WHILE_FOLLOWING;
        }
      };

  private AlertAgent(
      RuleEvaluator evaluator,
      SlaReminders reminders,
      Dispatcher dispatcher,
      PrometheusRegistry registry,
      Gauge alerts,
      NotifyMetrics notifyMetrics,
      List<String> ruleNames,
      LeaderElection ha) {
    this.ha = ha;
    this.evaluator = evaluator;
    this.reminders = reminders;
    this.dispatcher = dispatcher;
    this.registry = registry;
    this.alerts = alerts;
    this.notifyMetrics = notifyMetrics;
    this.ruleNames = ruleNames;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cx-alerting");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Builds the agent of shard {@code shard} of {@code totalShards} (0 of 1 unsharded); {@link
   * #start()} schedules it. With {@code alerting.ha}, its Lease is {@link LeaseConfig#leaseName},
   * one election per shard.
   *
   * @param evaluator the rules over the KPI snapshot
   * @param reminders the rules' per-ticket SLA reminders
   */
  public static AlertAgent create(
      AlertingConfig config,
      RuleEvaluator evaluator,
      SlaReminders reminders,
      AlertLog log,
      PrometheusRegistry registry,
      NotifyMetrics notifyMetrics,
      Clock clock,
      int shard,
      int totalShards) {
    return create(
        config,
        evaluator,
        reminders,
        log,
        registry,
        notifyMetrics,
        clock,
        shard,
        totalShards,
        AlertAgent::kubernetesClient);
  }

  /**
   * The full form: {@code kubernetes} makes the client for {@code alerting.ha} (tests point it at a
   * mock API server); it is not called without {@code ha}.
   */
  static AlertAgent create(
      AlertingConfig config,
      RuleEvaluator evaluator,
      SlaReminders reminders,
      AlertLog log,
      PrometheusRegistry registry,
      NotifyMetrics notifyMetrics,
      Clock clock,
      int shard,
      int totalShards,
      Function<LeaseConfig, KubernetesClient> kubernetes) {
    List<Notifier> notifiers = Notifiers.read(config.notifiers(), clock);
    List<String> notifierNames = notifiers.stream().map(Notifier::name).toList();
    notifyMetrics.retainOnly(notifierNames);
    notifyMetrics.initialize(notifierNames);
    LeaderElection ha = null;
    Runnable changed = () -> {};
    if (config.ha().isPresent()) {
      LeaseConfig lc = config.ha().get();
      ha =
          LeaderElection.start(
              lc,
              LeaseConfig.leaseName(lc.name(), shard, totalShards),
              kubernetes.apply(lc),
              deliveries(log),
              registry);
      changed = ha::deliveriesChanged;
    }
    Dispatcher dispatcher =
        new Dispatcher(
            notifiers,
            sentLog(log, changed),
            reminderLog(log, clock, changed),
            config.repeatInterval(),
            clock,
            notifyMetrics);
    if (ha != null) {
      dispatcher.deliverOnlyWhile(ha::isLeader);
    }
    Gauge alerts =
        Gauge.builder()
            .name(MetricNames.ALERTS)
            .help(
                "Alert instances of the in-process alerting rules (alerting.rules) by state:"
                    + " pending or firing.")
            .labelNames("alertname", "state")
            .register(registry);
    List<String> names = config.rules().stream().map(AlertRule::name).distinct().sorted().toList();
    for (String n : names) {
      alerts.labelValues(n, "pending").set(0);
      alerts.labelValues(n, "firing").set(0);
    }
    return new AlertAgent(
        evaluator, reminders, dispatcher, registry, alerts, notifyMetrics, names, ha);
  }

  /**
   * The client for the Lease: in-cluster (service account) or from the kubeconfig, with no retries
   * of its own (the elector retries every {@code retry_period}) and requests bounded by {@link
   * #requestTimeout}, so a leader that cannot reach the API stops in time.
   */
  static KubernetesClient kubernetesClient(LeaseConfig c) {
    int timeout = (int) requestTimeout(c).toMillis();
    Config k =
        new ConfigBuilder(Config.autoConfigure(null))
            .withNamespace(c.namespace())
            .withRequestTimeout(timeout)
            .withConnectionTimeout(timeout)
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(k).build();
  }

  /**
   * How long one API request may take: half the time between {@code renew_deadline} and {@code
   * lease_duration} (2.5 s with the defaults), at least 1 s, at most half the renew deadline. A
   * renewal that starts just before the deadline and hangs then still ends, and the leader stops
   * sending, before a follower may take the Lease.
   */
  static Duration requestTimeout(LeaseConfig c) {
    Duration margin = c.leaseDuration().minus(c.renewDeadline()).dividedBy(2);
    Duration half = c.renewDeadline().dividedBy(2);
    Duration t = margin.compareTo(half) < 0 ? margin : half;
    return t.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : t;
  }

  /** The state file's delivery log as the HA hand-over reads and replaces it. */
  static LeaderElection.Deliveries deliveries(AlertLog log) {
    return new LeaderElection.Deliveries() {
      @Override
      public DeliveryRecord snapshot() {
        return new DeliveryRecord(
            "",
            log.allSent().stream()
                .map(r -> new DeliveryRecord.Sent(r.notifier(), r.fingerprint(), r.at()))
                .toList(),
            log.allReminders().stream()
                .map(
                    r ->
                        new DeliveryRecord.Reminded(
                            r.key().notifier(),
                            r.key().rule(),
                            r.key().source(),
                            r.key().ticket(),
                            r.key().threshold(),
                            r.key().due(),
                            r.at()))
                .toList());
      }

      @Override
      public void adopt(DeliveryRecord previous) {
        log.replaceDeliveries(
            previous.sent().stream()
                .map(s -> new AlertLog.SentRow(s.notifier(), s.fingerprint(), s.at()))
                .toList(),
            previous.reminders().stream()
                .map(
                    r ->
                        new AlertLog.ReminderRow(
                            new AlertLog.ReminderKey(
                                r.rule(),
                                r.source(),
                                r.ticket(),
                                r.notifier(),
                                r.threshold(),
                                r.due()),
                            r.at()))
                .toList());
      }
    };
  }

  /** The delivery log in the state file, as the dispatcher sees it. */
  static SentLog sentLog(AlertLog log) {
    return sentLog(log, () -> {});
  }

  /** Like {@link #sentLog(AlertLog)}, calling {@code changed} after each change. */
  static SentLog sentLog(AlertLog log, Runnable changed) {
    return new SentLog() {
      @Override
      public Optional<Instant> lastSent(String notifier, String fingerprint) {
        return log.lastSent(notifier, fingerprint);
      }

      @Override
      public void sent(String notifier, String fingerprint, Instant at) {
        log.sent(notifier, fingerprint, at);
        changed.run();
      }

      @Override
      public void forget(String notifier, String fingerprint) {
        log.forget(notifier, fingerprint);
        changed.run();
      }
    };
  }

  /** The SLA reminder deliveries in the state file, as the dispatcher sees them. */
  static ReminderLog reminderLog(AlertLog log, Clock clock) {
    return reminderLog(log, clock, () -> {});
  }

  /** Like {@link #reminderLog(AlertLog, Clock)}, calling {@code changed} after each delivery. */
  static ReminderLog reminderLog(AlertLog log, Clock clock, Runnable changed) {
    return new ReminderLog() {
      @Override
      public Optional<Instant> lastSent(String notifier, Reminder.Key key) {
        return log.reminderSent(row(notifier, key));
      }

      @Override
      public void sent(String notifier, Reminder.Key key, Instant at) {
        log.reminderSent(row(notifier, key), at, clock.instant().minus(REMINDER_MEMORY));
        changed.run();
      }

      private AlertLog.ReminderKey row(String notifier, Reminder.Key k) {
        return new AlertLog.ReminderKey(
            k.rule(), k.source(), k.ticketId(), notifier, k.threshold(), k.dueAt());
      }
    };
  }

  /** Evaluates now and then every evaluation interval. */
  public void start() {
    long every = evaluator.interval().toMillis();
    executor.scheduleWithFixedDelay(this::evaluateSafely, 0, every, TimeUnit.MILLISECONDS);
  }

  private void evaluateSafely() {
    try {
      evaluateOnce();
    } catch (RuntimeException e) {
      LOG.error("alert evaluation failed; next try in {}", evaluator.interval(), e);
    }
  }

  /** One evaluation and its notifications (tests call it directly). */
  public RuleEvaluator.Result evaluateOnce() {
    RuleEvaluator.Result r = evaluator.evaluate();
    for (String n : ruleNames) {
      alerts
          .labelValues(n, "pending")
          .set(r.pending().stream().filter(a -> a.name().equals(n)).count());
      alerts
          .labelValues(n, "firing")
          .set(r.firing().stream().filter(a -> a.name().equals(n)).count());
    }
    if (ha != null && !ha.isLeader()) {
      follow(r);
      return r;
    }
    dispatcher.offer(r.firing(), withResolvedWhileFollowing(r));
    if (!reminders.isEmpty()) {
      dispatcher.offerReminders(reminders.due());
    }
    return r;
  }

  /**
   * A follower sends nothing, but keeps the alerts that resolve meanwhile: if it takes over, the
   * old leader may have sent them firing, and their resolve is then its to send.
   */
  private void follow(RuleEvaluator.Result r) {
    r.resolved().forEach(a -> resolvedWhileFollowing.put(a.fingerprint(), a));
    r.firing().forEach(a -> resolvedWhileFollowing.remove(a.fingerprint()));
    r.pending().forEach(a -> resolvedWhileFollowing.remove(a.fingerprint()));
  }

  /**
   * This evaluation's resolved alerts, and at the first evaluation after a take-over those that
   * resolved while this replica followed; the dispatcher sends a resolve only to the notifiers
   * whose (adopted) delivery log has the alert firing.
   */
  private List<Alert> withResolvedWhileFollowing(RuleEvaluator.Result r) {
    if (resolvedWhileFollowing.isEmpty()) {
      return r.resolved();
    }
    Set<String> active = new HashSet<>();
    r.firing().forEach(a -> active.add(a.fingerprint()));
    r.pending().forEach(a -> active.add(a.fingerprint()));
    List<Alert> out = new java.util.ArrayList<>(r.resolved());
    Set<String> seen = new HashSet<>();
    out.forEach(a -> seen.add(a.fingerprint()));
    for (Alert a : resolvedWhileFollowing.values()) {
      if (!active.contains(a.fingerprint()) && seen.add(a.fingerprint())) {
        out.add(a);
      }
    }
    resolvedWhileFollowing.clear();
    return out;
  }

  /** The election, or null without {@code alerting.ha} (tests, the status page). */
  LeaderElection ha() {
    return ha;
  }

  /** Waits until every notifier has sent what is queued (tests). */
  boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    return dispatcher.awaitIdle(timeout);
  }

  /** Pending and firing alerts, for the status page. */
  public List<Alert> active() {
    return evaluator.active();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatcher.close();
    if (ha != null) {
      ha.close(); // after the flush: the last deliveries go into the log, then the Lease is
      // released
    }
    registry.unregister(alerts);
  }

  /**
   * Stops evaluating and flushes the notifications in flight for at most {@code flush} (a stop
   * bounded by {@code shutdown_timeout}); a receiver still answering then has its request
   * cancelled.
   */
  void close(java.time.Duration flush) {
    long deadline = System.nanoTime() + flush.toNanos();
    executor.shutdownNow();
    try {
      executor.awaitTermination(flush.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatcher.close(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    if (ha != null) {
      ha.close(java.time.Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime())));
    }
    registry.unregister(alerts);
  }
}
