package io.cxexporter.alerting.ha;

import io.cxexporter.metrics.MetricNames;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's part in electing the notifier of its shard: fabric8's {@code LeaderElector} on the
 * Lease {@link LeaseConfig#leaseName}, and the hand-over of the delivery log ({@link
 * SharedDeliveryLog}) around it.
 *
 * <pre>{@code
 * LeaderElection ha = LeaderElection.start(config, "cx-exporter-alerts", client, deliveries, registry);
 * if (ha.isLeader()) dispatcher.offer(firing, resolved);  // a follower only evaluates
 * ha.deliveriesChanged();                                  // after each recorded delivery
 * ha.close();                                              // writes the log, releases the Lease
 * }</pre>
 *
 * <p>{@link #isLeader()} turns true only once this replica holds the Lease <em>and</em> has read
 * its predecessor's delivery log into its own ({@link Deliveries#adopt}), so that nothing the
 * previous leader recorded is sent again; it turns false as soon as fabric8 reports the Lease lost
 * (a renewal that failed until {@code renew_deadline}, or another holder). After a loss the replica
 * stands for election again. Threads: {@code cx-alerting-lease} runs the elector, {@code
 * cx-alerting-log} reads and writes the log; both exist only with {@code alerting.ha}.
 *
 * <p>Exports {@code cx_alerting_leader{lease}} (1 leader, 0 follower) and {@code
 * cx_alerting_leader_changes_total{lease}} (times that gauge changed), both from 0 at start.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /** This replica's own delivery log (the state file's), as the hand-over reads and replaces it. */
  public interface Deliveries {
    /** Everything this replica has recorded as delivered. */
    DeliveryRecord snapshot();

    /** Replaces what this replica has recorded with its predecessor's record. */
    void adopt(DeliveryRecord previous);
  }

  private final LeaseConfig config;
  private final String lease;
  private final KubernetesClient client;
  private final Deliveries deliveries;
  private final SharedDeliveryLog log;
  private final PrometheusRegistry registry;
  private final Gauge leader;
  private final Counter changes;
  private final ScheduledExecutorService electorThread;
  private final ScheduledExecutorService logThread;
  private final AtomicBoolean publishQueued = new AtomicBoolean();

  private volatile boolean leading;
  private boolean elected; // guarded by this: fabric8 says this replica holds the Lease
  private long term; // guarded by this: changes at every start and stop of leading
  private boolean closed; // guarded by this
  private CompletableFuture<?> running; // guarded by this

  private LeaderElection(
      LeaseConfig config,
      String lease,
      KubernetesClient client,
      Deliveries deliveries,
      PrometheusRegistry registry) {
    this.config = config;
    this.lease = lease;
    this.client = client;
    this.deliveries = deliveries;
    this.registry = registry;
    this.log =
        new SharedDeliveryLog(
            client, config.namespace(), LeaseConfig.logLeaseName(lease), config.identity());
    this.leader =
        Gauge.builder()
            .name(MetricNames.ALERTING_LEADER)
            .help(
                "1 while this replica holds the alerting Lease (alerting.ha) and sends the"
                    + " notifications of its shard, 0 while it only evaluates.")
            .labelNames("lease")
            .register(registry);
    this.changes =
        Counter.builder()
            .name(MetricNames.ALERTING_LEADER_CHANGES)
            .help("Times this replica became or stopped being the alerting leader (alerting.ha).")
            .labelNames("lease")
            .register(registry);
    leader.labelValues(lease).set(0);
    changes.initLabelValues(lease);
    this.electorThread = Executors.newSingleThreadScheduledExecutor(daemon("cx-alerting-lease"));
    this.logThread = Executors.newSingleThreadScheduledExecutor(daemon("cx-alerting-log"));
  }

  /**
   * Stands for election on {@code lease} and returns at once.
   *
   * @param lease the effective Lease name ({@link LeaseConfig#leaseName})
   * @param client closed by {@link #close()}
   */
  public static LeaderElection start(
      LeaseConfig config,
      String lease,
      KubernetesClient client,
      Deliveries deliveries,
      PrometheusRegistry registry) {
    LeaderElection e =
        new LeaderElection(
            Objects.requireNonNull(config, "config"),
            Objects.requireNonNull(lease, "lease"),
            Objects.requireNonNull(client, "client"),
            Objects.requireNonNull(deliveries, "deliveries"),
            registry);
    LOG.info(
        "alerting: standing for election on lease {}/{} as {}",
        config.namespace(),
        lease,
        config.identity());
    e.electorThread.execute(e::stand);
    return e;
  }

  /** The effective Lease name. */
  public String lease() {
    return lease;
  }

  /** True while this replica may send notifications: it leads and has the delivery log. */
  public boolean isLeader() {
    return leading;
  }

  /** A new fabric8 elector (one does not stand again once it stopped leading). */
  private synchronized void stand() {
    if (closed) {
      return;
    }
    LeaderElectionConfig c =
        new LeaderElectionConfig(
            new LeaseLock(config.namespace(), lease, config.identity()),
            config.leaseDuration(),
            config.renewDeadline(),
            config.retryPeriod(),
            new LeaderCallbacks(this::startedLeading, this::stoppedLeading, newLeader -> {}),
            true,
            "cx-exporter-alerts");
    LeaderElector elector = new LeaderElectorBuilder(client, electorThread).withConfig(c).build();
    running = elector.start();
    running.whenComplete((v, t) -> standAgain());
  }

  private void standAgain() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    electorThread.schedule(
        this::stand, config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS); // after a loss
  }

  private synchronized void startedLeading() {
    if (elected || closed) {
      return;
    }
    elected = true;
    long t = ++term;
    LOG.info("alerting: acquired lease {}/{}; reading the delivery log", config.namespace(), lease);
    logThread.execute(() -> takeOver(t));
  }

  /** Reads the predecessor's log into ours, then leads (retrying while the term lasts). */
  private void takeOver(long t) {
    try {
      java.util.Optional<DeliveryRecord> previous = log.claim(deliveries.snapshot());
      previous.ifPresent(deliveries::adopt);
      synchronized (this) {
        if (term != t || !elected || closed) {
          return;
        }
        leading = true;
        leader.labelValues(lease).set(1);
        changes.labelValues(lease).inc();
      }
      LOG.info(
          "alerting: took over as leader of lease {}/{} ({}); sending notifications",
          config.namespace(),
          lease,
          previous
              .map(
                  p ->
                      "delivery log of "
                          + (p.owner().isEmpty() ? "nobody" : p.owner())
                          + ": "
                          + p.sent().size()
                          + " alert(s), "
                          + p.reminders().size()
                          + " reminder(s)")
              .orElse("no delivery log yet"));
    } catch (RuntimeException e) {
      boolean again;
      synchronized (this) {
        again = term == t && elected && !closed;
      }
      LOG.warn(
          "alerting: cannot read the delivery log {}/{} ({}); not sending until it can be read",
          config.namespace(),
          log.name(),
          e.getMessage());
      if (again) {
        logThread.schedule(
            () -> takeOver(t), config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void stoppedLeading() {
    boolean was;
    boolean closing;
    synchronized (this) {
      if (!elected) {
        return;
      }
      closing = closed;
      elected = false;
      term++;
      was = leading;
      leading = false;
      if (was) {
        leader.labelValues(lease).set(0);
        changes.labelValues(lease).inc();
      }
    }
    LOG.info(
        "alerting: {} lease {}/{}; {}",
        closing ? "released" : "lost",
        config.namespace(),
        lease,
        was ? "no longer sending notifications" : "before the take-over finished");
  }

  /**
   * Writes this replica's delivery log to the Lease soon (coalesced), while it leads: called after
   * each recorded delivery.
   */
  public void deliveriesChanged() {
    if (leading && publishQueued.compareAndSet(false, true)) {
      try {
        logThread.execute(this::publish);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        publishQueued.set(false); // closing
      }
    }
  }

  private void publish() {
    publishQueued.set(false);
    if (!leading) {
      return;
    }
    try {
      if (!log.publish(deliveries.snapshot())) {
        LOG.warn(
            "alerting: the delivery log {}/{} has another owner; not written",
            config.namespace(),
            log.name());
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "alerting: cannot write the delivery log {}/{} ({}); trying again in {}",
          config.namespace(),
          log.name(),
          e.getMessage(),
          config.retryPeriod());
      if (publishQueued.compareAndSet(false, true)) {
        logThread.schedule(this::publish, config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Writes the delivery log once more, releases the Lease (so a follower takes over at its next try
   * instead of after {@code lease_duration}), stops the threads and closes the client. Call it
   * after the dispatcher has flushed, so the last deliveries are in the log.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /** Like {@link #close()}, within about {@code timeout}. */
  public void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<?> f;
    synchronized (this) {
      if (closed) {
        return;
      }
      f = running;
    }
    if (leading) {
      Future<?> last = logThread.submit(this::publish);
      waitFor(last, deadline);
    }
    synchronized (this) {
      closed = true;
    }
    if (f != null) {
      // fabric8 releases the Lease (releaseOnCancel) and calls stoppedLeading in this thread
      f.cancel(true);
    }
    stoppedLeading();
    electorThread.shutdownNow();
    logThread.shutdownNow();
    try {
      electorThread.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      logThread.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
    registry.unregister(leader);
    registry.unregister(changes);
  }

  private static void waitFor(Future<?> f, long deadline) {
    try {
      f.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("alerting: the last write of the delivery log did not finish ({})", e.toString());
    }
  }

  private static long remainingMillis(long deadline) {
    return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
