package io.cxexporter.kpi;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.model.Record;
import io.cxexporter.util.SettableClock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The KPI snapshots that stored records give at past instants, asked for in increasing time: what
 * {@code cx-exporter history} writes. The records are those known now (their latest versions), so a
 * past value is what the exporter would have served then had it known today's records.
 *
 * <pre>{@code
 * KpiReplay replay = KpiReplay.of(config.kpi(), from);
 * replay.load("zd", action -> store.forEach("zd", action));
 * for (Instant t = from; !t.isAfter(until); t = t.plus(step)) {
 *   KpiSnapshot s = replay.at(t);
 * }
 * }</pre>
 *
 * <p>{@link #of} replays on the incremental engine, which moves its windows forward by the step
 * (each record enters and leaves each window once over the whole replay); {@link #fullScan} on the
 * full-scan engine, which rescans every record at each instant, for tests that want an independent
 * computation.
 */
public interface KpiReplay {
  /**
   * Reads every stored record of a source; call it for each source before the first {@link #at}.
   *
   * @return how many records were read
   */
  long load(String source, Consumer<BiConsumer<String, Record>> records);

  /**
   * The snapshot at {@code t}, computed as {@link KpiEngine#compute()} does with its clock at
   * {@code t}.
   *
   * @throws IllegalArgumentException when {@code t} is before the previous call's instant
   */
  KpiSnapshot at(Instant t);

  /**
   * A replay on the incremental {@link KpiEngine}: an instant costs the records its step moves
   * across window edges, plus writing the snapshot.
   *
   * @param first the first instant {@link #at} will be asked for
   */
  static KpiReplay of(KpiConfig config, Instant first) {
    return new OnEngine(config, first, true);
  }

  /**
   * A replay on the full-scan engine ({@link KpiEngine#fullScan}): each instant costs one full scan
   * of the records kept.
   *
   * @param first the first instant {@link #at} will be asked for
   */
  static KpiReplay fullScan(KpiConfig config, Instant first) {
    return new OnEngine(config, first, false);
  }

  /** One engine whose clock is moved to each instant. */
  final class OnEngine implements KpiReplay {
    private final SettableClock clock;
    private final KpiEngine engine;
    private Instant last;

    private OnEngine(KpiConfig config, Instant first, boolean incremental) {
      this.clock = new SettableClock(Objects.requireNonNull(first, "first"));
      this.engine = incremental ? new KpiEngine(config, clock) : KpiEngine.fullScan(config, clock);
      this.last = first;
    }

    @Override
    public long load(String source, Consumer<BiConsumer<String, Record>> records) {
      return engine.load(source, records);
    }

    @Override
    public KpiSnapshot at(Instant t) {
      // compute() forgets records older than every window of its now: time may only move forward
      if (t.isBefore(last)) {
        throw new IllegalArgumentException("asked for " + t + " after " + last);
      }
      last = t;
      clock.set(t);
      return engine.compute();
    }
  }
}
