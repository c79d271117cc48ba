package io.cxexporter.kpi;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.SlaPolicy;
import io.cxexporter.model.Priority;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzz of the KPI engine: the incremental engine ({@code new KpiEngine}) fed a random
 * history page by page, in arrival order, with {@code apply}, {@code tick} and refreshes as its
 * clock moves, must compute the same snapshot as the oracle, a fresh full-scan engine ({@link
 * KpiEngine#fullScan}, which scans every record at each refresh) that {@code load}s the latest
 * version of every record at the same instant. A full-scan twin fed the same pages at the same
 * times must also return the same live transitions from every {@code apply} and {@code tick} (the
 * counters and SLA breaches; the incremental engine's tick reads only the due times since the last
 * one).
 *
 * <p>Compared, by {@link KpiOracle#assertSameSnapshot}: every series of the snapshot (each {@code
 * cx_kpi_*} value and the backlog, oldest-open and at-risk gauges) by name and labels, exactly,
 * except {@code stat="mean"} within a relative 1e-12. The comparison runs at the end of each
 * history and at random points in between (the oracle rebuilt from the versions known then). The
 * histories ({@link FuzzHistory}) have out-of-order versions, deletes, reopens, idle clock jumps
 * across window edges and business-hours boundaries, a DST change in Europe/Ljubljana, vendor SLA
 * events beside three {@code kpi.sla} policies, and in a third of them a label cap of 2, so values
 * fold into "other".
 *
 * <p>One difference today's engine has is left out of the histories and pinned by {@link
 * KpiKnownDifferenceTest}: vendor SLA events pruned before their ticket arrives.
 *
 * <p>Each run draws {@code cx.fuzz.runs} history seeds (default 1,000) from a base seed: {@code
 * cx.fuzz.seed}, by default the fixed {@link #DEFAULT_SEED} so that CI is repeatable, or {@code
 * random} for a new one each run (printed) when exploring; a failure names the history's own seed.
 * To rerun exactly that history:
 *
 * <pre>
 * mvn -B -o test -Dtest='KpiDifferentialTest' -Dcx.fuzz.seed=SEED -Dcx.fuzz.runs=1
 * </pre>
 *
 * (with {@code cx.fuzz.runs=1} the base seed is the history's seed itself).
 */
class KpiDifferentialTest {
  /** The base seed CI runs (5,000 histories from it passed, and 5,000 from 777). */
  static final long DEFAULT_SEED = 2026;

  static final String SOURCE = "zd";

  static KpiConfig config(int maxLabels) {
    return Configs.kpi(
        Configs.officeHours("Europe/Ljubljana"),
        List.of(
            new SlaPolicy(Priority.URGENT, Duration.ofHours(1), Duration.ofHours(9), true),
            new SlaPolicy(Priority.HIGH, Duration.ofHours(2), Duration.ofHours(18), false),
            new SlaPolicy(Priority.NORMAL, Duration.ofHours(4), Duration.ofHours(27), true)),
        List.of(),
        maxLabels);
  }

  /** The config of a history: its label cap, its tags and whether assignee is a dimension. */
  static KpiConfig config(FuzzHistory h) {
    KpiConfig c = config(h.maxLabels).withTags(h.tags);
    if (!h.assigneeDimension) {
      return c;
    }
    List<String> dims = new java.util.ArrayList<>(c.dimensions());
    dims.add("assignee");
    return new KpiConfig(
        c.windows(),
        dims,
        c.maxLabelValues(),
        c.businessHours(),
        c.sla(),
        c.slaRiskHorizon(),
        c.targets(),
        c.refreshInterval(),
        c.tags(),
        c.assigneeLabel(),
        c.assigneeHashKey());
  }

  @Test
  void incrementalApplyAgreesWithAFullLoadOnRandomHistories() {
    // a fixed default, so CI is repeatable: a red build always reproduces; explore with
    // -Dcx.fuzz.seed=random (a new base seed, printed) and a larger -Dcx.fuzz.runs
    String given = System.getProperty("cx.fuzz.seed", Long.toString(DEFAULT_SEED));
    long base = given.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(given);
    int runs = Integer.getInteger("cx.fuzz.runs", 1_000);
    SplittableRandom seeds = new SplittableRandom(base);
    System.out.println("KpiDifferentialTest: -Dcx.fuzz.seed=" + base + " -Dcx.fuzz.runs=" + runs);
    for (int i = 0; i < runs; i++) {
      long seed = runs == 1 ? base : seeds.nextLong();
      check(FuzzHistory.of(seed), "base seed " + base + ", history seed " + seed);
    }
  }

  /** The same transitions, in any order (a tick may find breaches in another order). */
  static void sameTransitions(List<Transition> actual, List<Transition> expected, String what) {
    List<String> a = new java.util.ArrayList<>(actual.stream().map(Transition::toString).toList());
    List<String> e =
        new java.util.ArrayList<>(expected.stream().map(Transition::toString).toList());
    java.util.Collections.sort(a);
    java.util.Collections.sort(e);
    org.assertj.core.api.Assertions.assertThat(a).as("transitions of %s", what).isEqualTo(e);
  }

  /** Drives one history through an engine and compares it with the oracle at each check. */
  static void check(FuzzHistory h, String what) {
    // half the histories rebuild on two threads, half load the time index by counting (the paths
    // of large sources)
    int parallelMin = IncrementalWindows.parallelRebuildMin;
    long slack = TimeBuckets.countingSlack;
    IncrementalWindows.parallelRebuildMin = (h.seed & 1) == 0 ? 0 : Integer.MAX_VALUE;
    TimeBuckets.countingSlack = (h.seed & 2) == 0 ? 1 << 22 : 0;
    try {
      checkOnce(h, what);
    } finally {
      IncrementalWindows.parallelRebuildMin = parallelMin;
      TimeBuckets.countingSlack = slack;
    }
  }

  private static void checkOnce(FuzzHistory h, String what) {
    KpiConfig config = config(h);
    MutableClock clock = new MutableClock(h.start);
    KpiEngine engine = new KpiEngine(config, clock);
    FuzzStore store = new FuzzStore();
    engine.load(SOURCE, store::forEach); // start-up on an empty store, as the app does
    // a full-scan twin fed the same changes at the same times: the live transitions (counters,
    // SLA breaches found by a tick) must be the same as the incremental engine's
    KpiEngine twin = KpiEngine.fullScan(config, clock);
    twin.load(SOURCE, store::forEach);
    int step = 0;
    // refreshes between the checks too, so windows also move by small steps, back and forth
    SplittableRandom refreshes = new SplittableRandom(h.seed);
    for (FuzzHistory.Step s : h.steps) {
      step++;
      String at = what + ", step " + step + " (-Dcx.fuzz.seed=" + h.seed + " -Dcx.fuzz.runs=1)";
      if (s instanceof FuzzHistory.Advance a) {
        clock.set(a.to());
        sameTransitions(engine.tick(), twin.tick(), "tick at " + a.to() + ", " + at);
        if (refreshes.nextBoolean()) {
          engine.compute();
          twin.compute();
        }
      } else if (s instanceof FuzzHistory.Page p) {
        List<io.cxexporter.store.Change> changes = store.apply(p.stream(), p.records());
        sameTransitions(
            engine.apply(SOURCE, changes, p.live()),
            twin.apply(SOURCE, changes, p.live()),
            "page, " + at);
      } else {
        twin.compute();
        KpiEngine oracle = KpiEngine.fullScan(config, Clock.fixed(clock.instant(), ZoneOffset.UTC));
        oracle.load(SOURCE, store::forEach);
        KpiOracle.assertSameSnapshot(
            engine.compute(),
            oracle.compute(),
            what
                + ", step "
                + step
                + " at "
                + clock.instant()
                + " (-Dcx.fuzz.seed="
                + h.seed
                + " -Dcx.fuzz.runs=1)");
      }
    }
  }
}
