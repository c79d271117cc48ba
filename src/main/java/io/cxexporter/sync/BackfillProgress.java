package io.cxexporter.sync;

import io.cxexporter.connector.Page;
import io.cxexporter.metrics.SelfMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far one stream's backfill has come: the progress its pages report, an ETA extrapolated from
 * the progress made since this process started reading it, a log line at most every 10 s, and
 * {@code cx_connector_backfill_progress_ratio}. Once the stream is caught up (now or in an earlier
 * run) the backfill is done and stays at 1.
 *
 * <pre>{@code
 * BackfillProgress backfill = new BackfillProgress("zd", "tickets", state.backfillDone(), self, clock);
 * backfill.update(page, recordsApplied); // after each applied page
 * }</pre>
 *
 * <p>Only the stream's running step updates it; the status page reads it from any thread.
 */
final class BackfillProgress {
  /** The stream runner's logger: these lines have always been the runner's. */
  private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);

  private static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private final String source;
  private final String stream;
  private final SelfMetrics metrics;
  private final Clock clock;

  private volatile boolean done;
  private volatile double ratio = Double.NaN;
  private volatile Duration eta;
  private Instant startedAt;
  private double startRatio;
  private Instant lastLog = Instant.EPOCH;

  /**
   * The progress of a stream, done when its stored state says so.
   *
   * @param done whether the stream's backfill finished in an earlier pass or run
   */
  BackfillProgress(String source, String stream, boolean done, SelfMetrics metrics, Clock clock) {
    this.source = source;
    this.stream = stream;
    this.metrics = metrics;
    this.clock = clock;
    this.done = done;
    if (done) {
      ratio = 1;
    }
    metrics.backfillProgress.labelValues(source, stream).set(done ? 1 : 0);
  }

  /**
   * Takes in an applied page: a caught-up page finishes the backfill (logged once), any other page
   * with a progress moves the ratio and the ETA.
   *
   * @param recordsApplied records the stream changed so far, for the log lines
   */
  void update(Page page, long recordsApplied) {
    Instant now = clock.instant();
    if (page.caughtUp()) {
      if (!done) {
        done = true;
        LOG.info("{}/{}: backfill complete, {} records, now live", source, stream, recordsApplied);
      }
      ratio = 1;
      eta = null;
    } else if (page.progress() != null) {
      double p = page.progress();
      if (startedAt == null) {
        startedAt = now;
        startRatio = p;
      }
      double progressed = p - startRatio;
      long elapsed = Duration.between(startedAt, now).toMillis();
      eta = progressed > 0 ? Duration.ofMillis((long) (elapsed * (1 - p) / progressed)) : null;
      ratio = p;
      if (!done && Duration.between(lastLog, now).compareTo(LOG_EVERY) >= 0) {
        lastLog = now;
        LOG.info(
            "{}/{}: backfill {}% ({} records so far, ETA {})",
            source,
            stream,
            Math.round(p * 100),
            recordsApplied,
            eta == null ? "unknown" : eta.getSeconds() + "s");
      }
    }
    metrics.backfillProgress.labelValues(source, stream).set(Double.isNaN(ratio) ? 0 : ratio);
  }

  /** Whether the stream has been caught up once (in this run or an earlier one). */
  boolean done() {
    return done;
  }

  /** The last progress 0..1, 1 once done, NaN when no page told. */
  double ratio() {
    return ratio;
  }

  /** The estimated time left, or null when unknown or done. */
  Duration eta() {
    return eta;
  }
}
