package io.cxexporter.app;

import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.AlertRule;
import io.cxexporter.alerting.AlertingConfig;
import io.cxexporter.alerting.Reminder;
import io.cxexporter.alerting.RuleEvaluator;
import io.cxexporter.alerting.SlaReminders;
import io.cxexporter.alerting.notify.Dispatcher;
import io.cxexporter.alerting.notify.Notifier;
import io.cxexporter.alerting.notify.Notifiers;
import io.cxexporter.alerting.notify.NotifyMetrics;
import io.cxexporter.alerting.notify.ReminderLog;
import io.cxexporter.alerting.notify.SentLog;
import io.cxexporter.metrics.MetricNames;
import io.cxexporter.store.AlertLog;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running alerting agent of one config: evaluates the rules every {@code evaluation_interval},
 * hands firing and resolved alerts to the notifiers, and exports {@code
 * cx_alerts{alertname,state}}; after each evaluation, the rules' SLA reminders that are due. A
 * reload closes it and starts the next one; alert state and delivery times live in the state file,
 * so neither a reload nor a restart pages twice.
 */
public final class AlertAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertAgent.class);

  /** Reminder deliveries older than this are forgotten (their due time is long past). */
  static final Duration REMINDER_MEMORY = Duration.ofDays(30);

  private final RuleEvaluator evaluator;
  private final SlaReminders reminders;
  private final Dispatcher dispatcher;
  private final PrometheusRegistry registry;
  private final Gauge alerts;
  private final NotifyMetrics notifyMetrics;
  private final List<String> ruleNames;
  private final ScheduledExecutorService executor;

  private AlertAgent(
      RuleEvaluator evaluator,
      SlaReminders reminders,
      Dispatcher dispatcher,
      PrometheusRegistry registry,
      Gauge alerts,
      NotifyMetrics notifyMetrics,
      List<String> ruleNames) {
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
   * Builds the agent; {@link #start()} schedules it.
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
      Clock clock) {
    List<Notifier> notifiers = Notifiers.read(config.notifiers(), clock);
    List<String> notifierNames = notifiers.stream().map(Notifier::name).toList();
    notifyMetrics.retainOnly(notifierNames);
    notifyMetrics.initialize(notifierNames);
    Dispatcher dispatcher =
        new Dispatcher(
            notifiers,
            sentLog(log),
            reminderLog(log, clock),
            config.repeatInterval(),
            clock,
            notifyMetrics);
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
    return new AlertAgent(evaluator, reminders, dispatcher, registry, alerts, notifyMetrics, names);
  }

  /** The delivery log in the state file, as the dispatcher sees it. */
  static SentLog sentLog(AlertLog log) {
    return new SentLog() {
      @Override
      public Optional<Instant> lastSent(String notifier, String fingerprint) {
        return log.lastSent(notifier, fingerprint);
      }

      @Override
      public void sent(String notifier, String fingerprint, Instant at) {
        log.sent(notifier, fingerprint, at);
      }

      @Override
      public void forget(String notifier, String fingerprint) {
        log.forget(notifier, fingerprint);
      }
    };
  }

  /** The SLA reminder deliveries in the state file, as the dispatcher sees them. */
  static ReminderLog reminderLog(AlertLog log, Clock clock) {
    return new ReminderLog() {
      @Override
      public Optional<Instant> lastSent(String notifier, Reminder.Key key) {
        return log.reminderSent(row(notifier, key));
      }

      @Override
      public void sent(String notifier, Reminder.Key key, Instant at) {
        log.reminderSent(row(notifier, key), at, clock.instant().minus(REMINDER_MEMORY));
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
    dispatcher.offer(r.firing(), r.resolved());
    if (!reminders.isEmpty()) {
      dispatcher.offerReminders(reminders.due());
    }
    return r;
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
    registry.unregister(alerts);
  }
}
