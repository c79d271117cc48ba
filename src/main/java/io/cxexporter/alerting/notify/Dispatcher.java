package io.cxexporter.alerting.notify;

import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.Reminder;
import io.cxexporter.util.HttpCalls;
import io.cxexporter.util.Jitter;
import io.cxexporter.util.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each evaluation's alerts to every notifier without blocking the evaluator: one bounded
 * queue and one worker thread per notifier, which filters, de-duplicates, sends and retries.
 *
 * <pre>{@code
 * Dispatcher d = new Dispatcher(notifiers, sentLog, Duration.ofHours(4), clock, metrics);
 * d.offer(firing, resolved);   // after every evaluation; returns at once
 * d.close();                   // on shutdown or reload: flushes for up to 5 s
 * }</pre>
 *
 * <p>Per notifier and batch:
 *
 * <ul>
 *   <li>Routes: a notifier with a {@link Notifier#route()} ({@code match}, {@code match_re}) gets
 *       the alerts its route and its {@link Notifier#severities()} take; an alert no routed
 *       notifier takes goes to the catch-all notifiers (no route), and only then: a routed alert
 *       does not also go to the catch-all. Without any route every notifier is a catch-all.
 *   <li>Alerts whose severity is not in {@link Notifier#severities()} (when not empty) are left out
 *       at once.
 *   <li>A resolved alert goes where its firing alert went: to the notifiers whose {@link SentLog}
 *       has it (even when a reload changed the routes since), and for Alertmanager by the routes.
 *   <li>{@link Notifier#resendWhileFiring()} (Alertmanager): every firing and every resolved alert
 *       is sent, every time; the {@link SentLog} is not used.
 *   <li>Otherwise (webhook, Slack, PagerDuty): a firing alert is sent when the notifier never got
 *       it or got it at least {@code repeatInterval} ago; a resolved alert only when the notifier
 *       had got it firing, after which the {@link SentLog} forgets it. The log is read when the
 *       worker takes the batch and written only after a successful delivery.
 *   <li>Failures: up to {@value #MAX_ATTEMPTS} attempts with exponential backoff and jitter (1 s, 2
 *       s, 4 s, ... up to 60 s) for retryable errors, honouring {@code Retry-After} (at most 5
 *       minutes); a non-retryable error (4xx) fails at once.
 *   <li>A full queue ({@value #QUEUE_CAPACITY} batches) drops its oldest batch.
 *   <li>With {@link #deliverOnlyWhile} (HA: only the leader notifies), every attempt first asks the
 *       gate; when it says no, the batch is dropped untouched: not sent, not retried, and the
 *       {@link SentLog} neither records nor forgets anything.
 * </ul>
 *
 * <p>{@code cx_notifications_total{notifier,result}} counts alerts, see {@link NotifyMetrics}.
 */
public final class Dispatcher implements AutoCloseable {
  /** Batches queued per notifier before the oldest is dropped. */
  public static final int QUEUE_CAPACITY = 1000;

  /** Attempts per batch, the first included. */
  public static final int MAX_ATTEMPTS = 5;

  static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
  static final Duration BACKOFF_MAX = Duration.ofSeconds(60);
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final List<Worker> workers = new ArrayList<>();
  private final SentLog sentLog;
  private final ReminderLog reminderLog;
  private final Duration repeatInterval;
  private final Clock clock;
  private final NotifyMetrics metrics;
  private final Sleeper sleeper;
  private final int capacity;
  private final Duration flushTimeout;
  private volatile boolean closed;
  private volatile BooleanSupplier gate = () -> true;

  /**
   * A dispatcher that sleeps for real between retries.
   *
   * @throws IllegalArgumentException on a negative repeat interval or two notifiers of one name
   */
  public Dispatcher(
      List<Notifier> notifiers,
      SentLog sentLog,
      Duration repeatInterval,
      Clock clock,
      NotifyMetrics metrics) {
    this(notifiers, sentLog, repeatInterval, clock, metrics, Sleeper.SYSTEM);
  }

  /**
   * A dispatcher that also delivers SLA reminders ({@link #offerReminders}), logging them in {@code
   * reminderLog}, and sleeps for real between retries.
   *
   * @throws IllegalArgumentException on a negative repeat interval or two notifiers of one name
   */
  public Dispatcher(
      List<Notifier> notifiers,
      SentLog sentLog,
      ReminderLog reminderLog,
      Duration repeatInterval,
      Clock clock,
      NotifyMetrics metrics) {
    this(
        notifiers,
        sentLog,
        reminderLog,
        repeatInterval,
        clock,
        metrics,
        Sleeper.SYSTEM,
        QUEUE_CAPACITY,
        FLUSH_TIMEOUT);
  }

  /**
   * A dispatcher whose waits between retries go through {@code sleeper} (tests record them).
   *
   * @throws IllegalArgumentException on a negative repeat interval or two notifiers of one name
   */
  public Dispatcher(
      List<Notifier> notifiers,
      SentLog sentLog,
      Duration repeatInterval,
      Clock clock,
      NotifyMetrics metrics,
      Sleeper sleeper) {
    this(
        notifiers,
        sentLog,
        ReminderLog.inMemory(),
        repeatInterval,
        clock,
        metrics,
        sleeper,
        QUEUE_CAPACITY,
        FLUSH_TIMEOUT);
  }

  Dispatcher(
      List<Notifier> notifiers,
      SentLog sentLog,
      Duration repeatInterval,
      Clock clock,
      NotifyMetrics metrics,
      Sleeper sleeper,
      int capacity,
      Duration flushTimeout) {
    this(
        notifiers,
        sentLog,
        ReminderLog.inMemory(),
        repeatInterval,
        clock,
        metrics,
        sleeper,
        capacity,
        flushTimeout);
  }

  Dispatcher(
      List<Notifier> notifiers,
      SentLog sentLog,
      ReminderLog reminderLog,
      Duration repeatInterval,
      Clock clock,
      NotifyMetrics metrics,
      Sleeper sleeper,
      int capacity,
      Duration flushTimeout) {
    if (repeatInterval.isNegative()) {
      throw new IllegalArgumentException("repeatInterval must not be negative: " + repeatInterval);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    Set<String> names = new HashSet<>();
    for (Notifier n : notifiers) {
      if (!names.add(n.name())) {
        throw new IllegalArgumentException("two notifiers named " + n.name());
      }
    }
    this.sentLog = Objects.requireNonNull(sentLog, "sentLog");
    this.reminderLog = Objects.requireNonNull(reminderLog, "reminderLog");
    this.repeatInterval = repeatInterval;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.capacity = capacity;
    this.flushTimeout = flushTimeout;
    metrics.initialize(List.copyOf(names));
    for (Notifier n : notifiers) {
      workers.add(new Worker(n));
    }
    for (Worker w : workers) {
      w.thread.start();
    }
  }

  /**
   * Lets the workers send only while {@code gate} says yes, asked before every attempt: a replica
   * that loses the HA Lease stops at once, even in the middle of a batch's retries.
   */
  public void deliverOnlyWhile(BooleanSupplier gate) {
    this.gate = Objects.requireNonNull(gate, "gate");
  }

  /**
   * Queues one evaluation's alerts for every notifier and returns at once. After {@link #close()},
   * the alerts are counted as dropped.
   *
   * @param firing alerts firing now (new or still firing)
   * @param resolved alerts that resolved in this evaluation
   */
  public void offer(List<Alert> firing, List<Alert> resolved) {
    Map<Worker, List<Alert>> routedFiring = route(firing);
    Map<Worker, List<Alert>> routedResolved = route(resolved);
    for (Worker w : workers) {
      List<Alert> f = routedFiring.get(w);
      // a resolve follows its firing alert: the delivery log, not today's routes, says who got it
      List<Alert> r =
          w.notifier.resendWhileFiring() ? routedResolved.get(w) : w.severityFilter(resolved);
      if (!f.isEmpty() || !r.isEmpty()) {
        w.enqueue(new Batch(f, r, List.of()));
      }
    }
  }

  /**
   * Queues SLA reminders, routed like alerts, and returns at once. Each notifier's worker sends a
   * threshold reminder only when the {@link ReminderLog} does not have it for that notifier, and a
   * {@link Reminder#BREACHED} one only when it never got it or got it at least {@code
   * repeatInterval} ago; it logs each after a successful delivery.
   */
  public void offerReminders(List<Reminder> reminders) {
    Map<Worker, List<Reminder>> routed = route(reminders, Reminder::alert);
    for (Worker w : workers) {
      if (!routed.get(w).isEmpty()) {
        w.enqueue(new Batch(List.of(), List.of(), routed.get(w)));
      }
    }
  }

  /**
   * Each worker's share of {@code alerts}: an alert goes to every routed notifier whose route and
   * severities take it; when none does, to every catch-all notifier whose severities take it.
   */
  private Map<Worker, List<Alert>> route(List<Alert> alerts) {
    return route(alerts, a -> a);
  }

  private <T> Map<Worker, List<T>> route(List<T> items, Function<T, Alert> alertOf) {
    Map<Worker, List<T>> out = new LinkedHashMap<>();
    workers.forEach(w -> out.put(w, new ArrayList<>()));
    for (T item : items) {
      Alert a = alertOf.apply(item);
      boolean taken = false;
      for (Worker w : workers) {
        Route r = w.notifier.route();
        if (!r.catchAll() && w.takesSeverity(a) && r.matches(a.labels())) {
          out.get(w).add(item);
          taken = true;
        }
      }
      if (!taken) {
        for (Worker w : workers) {
          if (w.notifier.route().catchAll() && w.takesSeverity(a)) {
            out.get(w).add(item);
          }
        }
      }
    }
    return out;
  }

  /**
   * Waits until every queue is empty and no worker is sending (tests; a clean shutdown).
   *
   * @return false when the timeout passed first
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Worker w : workers) {
      if (!w.awaitIdle(deadline)) {
        return false;
      }
    }
    return true;
  }

  /** Each notifier's queue and last outcome, for the status page. */
  public List<NotifierStatus> status() {
    return workers.stream().map(Worker::status).toList();
  }

  /**
   * Stops taking alerts, lets the workers send what is queued for up to 5 seconds, then stops them;
   * what is still queued is counted as dropped.
   */
  @Override
  public void close() {
    close(flushTimeout);
  }

  /**
   * Like {@link #close()}, with {@code flush} for the queued batches instead of the dispatcher's
   * own flush timeout (a stop bounded by {@code shutdown_timeout}). A receiver still answering at
   * the deadline has its request cancelled, so no sender thread outlives the dispatcher.
   */
  public void close(Duration flush) {
    closed = true;
    long deadline = System.nanoTime() + flush.toNanos();
    for (Worker w : workers) {
      w.close();
    }
    try {
      for (Worker w : workers) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        w.thread.join(left);
      }
      List<Thread> stuck = new ArrayList<>();
      for (Worker w : workers) {
        if (w.thread.isAlive()) {
          w.thread.interrupt();
          stuck.add(w.thread);
        }
      }
      HttpCalls.cancelOn(stuck); // a socket read ignores the interrupt
      for (Thread t : stuck) {
        t.join(1000);
      }
    } catch (InterruptedException e) {
      workers.forEach(w -> w.thread.interrupt());
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One notifier's state.
   *
   * @param queued batches waiting
   * @param lastSuccess when a batch last went through, or null
   * @param lastError the last failure's message (never a secret), or null once a batch succeeds
   */
  public record NotifierStatus(
      String name, String type, int queued, Instant lastSuccess, String lastError) {}

  /** The alerts (or reminders) of one evaluation for one notifier, after routes and severities. */
  private record Batch(List<Alert> firing, List<Alert> resolved, List<Reminder> reminders) {
    int size() {
      return firing.size() + resolved.size();
    }
  }

  /** How a batch's delivery ended. */
  private enum Outcome {
    SENT,
    FAILED,
    /** The gate closed ({@link #deliverOnlyWhile}): not sent, and not to be recorded. */
    STOPPED
  }

  private void countDropped(String name, Batch b) {
    metrics.count(name, "dropped", b.size());
    metrics.countReminders(name, "dropped", b.reminders().size());
  }

  /** The queue and the thread of one notifier. */
  private final class Worker implements Runnable {
    final Notifier notifier;
    final String name;
    final Thread thread;
    final ArrayDeque<Batch> queue = new ArrayDeque<>();
    final SplittableRandom random = new SplittableRandom();
    boolean busy; // guarded by this
    boolean closing; // guarded by this
    volatile Instant lastSuccess;
    volatile String lastError;

    Worker(Notifier notifier) {
      this.notifier = notifier;
      this.name = notifier.name();
      this.thread = new Thread(this, "cx-notify-" + name);
      thread.setDaemon(true);
    }

    List<Alert> severityFilter(List<Alert> alerts) {
      return alerts.stream().filter(this::takesSeverity).toList();
    }

    boolean takesSeverity(Alert a) {
      Set<String> sev = notifier.severities();
      return sev.isEmpty() || sev.contains(a.severity());
    }

    synchronized void enqueue(Batch b) {
      if (closing || closed) {
        countDropped(name, b);
        return;
      }
      if (queue.size() >= capacity) {
        Batch old = queue.pollFirst();
        countDropped(name, old);
        LOG.warn("notifier {}: queue full, dropped a batch of {} alert(s)", name, old.size());
      }
      queue.addLast(b);
      notifyAll();
    }

    synchronized boolean awaitIdle(long deadline) throws InterruptedException {
      while (busy || !queue.isEmpty()) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || !thread.isAlive()) {
          return !busy && queue.isEmpty();
        }
        wait(left);
      }
      return true;
    }

    synchronized void close() {
      closing = true;
      notifyAll();
    }

    synchronized NotifierStatus status() {
      return new NotifierStatus(name, notifier.type(), queue.size(), lastSuccess, lastError);
    }

    @Override
    public void run() {
      try {
        while (true) {
          Batch b;
          synchronized (this) {
            while (queue.isEmpty() && !closing) {
              wait();
            }
            if (queue.isEmpty() || Thread.currentThread().isInterrupted()) {
              return;
            }
            b = queue.pollFirst();
            busy = true;
          }
          try {
            deliver(b);
          } catch (RuntimeException e) {
            LOG.error("notifier {}: {}", name, e.toString());
          } finally {
            synchronized (this) {
              busy = false;
              notifyAll();
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        synchronized (this) {
          queue.forEach(b -> countDropped(name, b));
          queue.clear();
          busy = false;
          notifyAll();
        }
      }
    }

    private void deliver(Batch b) {
      if (!b.reminders().isEmpty()) {
        deliverReminders(b.reminders());
        return;
      }
      List<Alert> firing;
      List<Alert> resolved;
      if (notifier.resendWhileFiring()) {
        firing = b.firing();
        resolved = b.resolved();
      } else {
        Instant now = clock.instant();
        firing = b.firing().stream().filter(a -> due(a, now)).toList();
        resolved =
            b.resolved().stream()
                .filter(a -> sentLog.lastSent(name, a.fingerprint()).isPresent())
                .toList();
      }
      if (firing.isEmpty() && resolved.isEmpty()) {
        return;
      }
      List<Alert> all = new ArrayList<>(firing);
      all.addAll(resolved);
      Outcome outcome = sendWithRetries(all);
      if (outcome == Outcome.STOPPED) {
        LOG.info("notifier {}: not the leader any more, dropped {} alert(s)", name, all.size());
        metrics.count(name, "dropped", all.size());
        return;
      }
      boolean ok = outcome == Outcome.SENT;
      if (!notifier.resendWhileFiring()) {
        Instant at = clock.instant();
        if (ok) {
          firing.forEach(a -> sentLog.sent(name, a.fingerprint(), at));
        }
        // A resolve that failed for good will not come again: forget it either way.
        resolved.forEach(a -> sentLog.forget(name, a.fingerprint()));
      }
      metrics.count(name, ok ? "sent" : "failed", all.size());
    }

    private void deliverReminders(List<Reminder> reminders) {
      Instant now = clock.instant();
      List<Reminder> due = new ArrayList<>();
      for (Reminder r : reminders) {
        Optional<Instant> last = reminderLog.lastSent(name, r.key());
        boolean again =
            r.key().breached()
                && last.isPresent()
                && Duration.between(last.get(), now).compareTo(repeatInterval) >= 0;
        if ((last.isEmpty() || again) && !due.contains(r)) {
          due.add(r);
        }
      }
      if (due.isEmpty()) {
        return;
      }
      Outcome outcome = sendWithRetries(due.stream().map(Reminder::alert).toList());
      if (outcome == Outcome.STOPPED) {
        LOG.info("notifier {}: not the leader any more, dropped {} reminder(s)", name, due.size());
        metrics.countReminders(name, "dropped", due.size());
        return;
      }
      boolean ok = outcome == Outcome.SENT;
      if (ok) {
        Instant at = clock.instant();
        due.forEach(r -> reminderLog.sent(name, r.key(), at));
      }
      metrics.countReminders(name, ok ? "sent" : "failed", due.size());
    }

    private boolean due(Alert a, Instant now) {
      Optional<Instant> last = sentLog.lastSent(name, a.fingerprint());
      return last.isEmpty() || Duration.between(last.get(), now).compareTo(repeatInterval) >= 0;
    }

    private Outcome sendWithRetries(List<Alert> alerts) {
      for (int attempt = 1; ; attempt++) {
        if (!gate.getAsBoolean()) {
          return Outcome.STOPPED;
        }
        try {
          notifier.send(alerts);
          lastSuccess = clock.instant();
          lastError = null;
          return Outcome.SENT;
        } catch (DeliveryException e) {
          lastError = e.getMessage();
          if (!e.retryable() || attempt >= MAX_ATTEMPTS) {
            LOG.warn(
                "notifier {}: {} alert(s) not delivered after {} attempt(s): {}",
                name,
                alerts.size(),
                attempt,
                e.getMessage());
            return Outcome.FAILED;
          }
          int retry = attempt;
          Duration wait =
              e.retryAfter()
                  .map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d)
                  .orElseGet(() -> Jitter.exponential(BACKOFF_BASE, BACKOFF_MAX, retry, random));
          LOG.info(
              "notifier {}: attempt {} failed ({}), retrying in {} ms",
              name,
              attempt,
              e.getMessage(),
              wait.toMillis());
          try {
            sleeper.sleep(wait);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
          }
        } catch (RuntimeException e) {
          // Not the message: an unexpected exception might carry a URL.
          lastError = "unexpected " + e.getClass().getName();
          LOG.error("notifier {}: unexpected {} while sending", name, e.getClass().getName());
          return Outcome.FAILED;
        }
      }
    }
  }
}
