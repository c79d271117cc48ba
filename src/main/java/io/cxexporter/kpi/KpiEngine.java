package io.cxexporter.kpi;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.KpiTarget;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Derives every KPI from the stored records: keeps the latest version of each record in memory,
 * with the flat facts a refresh reads, and computes an immutable {@link KpiSnapshot}.
 *
 * <pre>{@code
 * KpiEngine kpi = new KpiEngine(config.kpi(), Clock.systemUTC());
 * List<Transition> t = kpi.apply("zd", store.apply("zd", "tickets", page), true);
 * KpiSnapshot snap = kpi.compute();   // the changes since the last compute, see IncrementalWindows
 * }</pre>
 *
 * <p>By default each source's aggregates are kept incrementally ({@link IncrementalWindows}): a
 * refresh moves the windows' edges over the records that crossed them and applies the changes since
 * the last one; the first refresh after a {@link #load} rebuilds them in one pass. {@link
 * #fullScan} instead scans every record kept at each refresh ({@link WindowPass}): the same
 * results, kept as the differential tests' oracle.
 *
 * <p>Which window a record falls in: first response by the first reply time, resolution by the
 * solve time, a survey by its response time, creation by the creation time. Quantiles are
 * nearest-rank over the exact values. Time comes only from the injected clock. Thread-safe (one
 * lock).
 */
public final class KpiEngine {
  /** Records handed to a source's state at a time while loading, to bound the list in memory. */
  private static final int LOAD_BATCH = 10_000;

  private final Rules rules;
  private final Clock clock;
  private final boolean incremental;
  private final Map<String, SourceState> sources = new LinkedHashMap<>();

  /** The incremental engine: a refresh costs the changes since the last one. */
  public KpiEngine(KpiConfig config, Clock clock) {
    this(config, clock, true);
  }

  private KpiEngine(KpiConfig config, Clock clock, boolean incremental) {
    this.rules = new Rules(config);
    this.clock = clock;
    this.incremental = incremental;
  }

  /**
   * The full-scan engine: every {@link #compute()} scans every record kept ({@link WindowPass}).
   * The differential tests' oracle for the incremental engine; same results, O(records) a refresh.
   */
  public static KpiEngine fullScan(KpiConfig config, Clock clock) {
    return new KpiEngine(config, clock, false);
  }

  /** The configuration this engine computes with. */
  public KpiConfig config() {
    return rules.config;
  }

  /**
   * Applies stored changes of a source; returns the transitions when {@code live} (none for history
   * read in a backfill or at start-up).
   */
  public synchronized List<Transition> apply(String source, List<Change> changes, boolean live) {
    SourceState s = state(source);
    s.undrained = true;
    return s.apply(changes, live, clock.instant());
  }

  /**
   * Replaces everything the engine knows of a source with the records {@code records} hands to its
   * action, read as history: no transitions, and an SLA breach already due is marked counted, not
   * reported. This is how the engine learns a source at start-up, and how it recovers after an
   * {@link #apply} that threw left the source's state half-updated.
   *
   * <pre>{@code
   * long n = kpi.load("zd", action -> store.forEach("zd", action));
   * }</pre>
   *
   * <p>The new state is built aside and swapped in only when every record was read, so a load that
   * throws leaves the previous state in place. The engine's lock is held throughout: concurrent
   * {@link #apply} calls wait and then apply on top of the loaded state (re-applying a version the
   * load already read is harmless: the latest version wins and its transitions were not counted by
   * the load). Every label combination of the source is reported again by {@link
   * #drainNewLabels()}.
   *
   * @param records calls its argument with {@code (stream, record)} for every stored record of the
   *     source; it must not call back into this engine
   * @return how many records were read
   */
  public synchronized long load(String source, Consumer<BiConsumer<String, Record>> records) {
    return loadAll(
        sink -> {
          sink.begin(source);
          records.accept(sink::record);
        });
  }

  /**
   * {@link #load(String, Consumer)} for several sources at once, as a start-up does: {@code
   * records} hands each source's name, then its records, source after source. Each source's new
   * state replaces the old once its records are all read; when {@code records} throws, the sources
   * read before keep their new state and the others their old.
   *
   * <pre>{@code
   * long n = kpi.loadAll(sink -> store.forEach(List.of("zd", "fd"), sink));
   * }</pre>
   *
   * @return how many records were read
   */
  public synchronized long loadAll(Consumer<Store.Sources> records) {
    long[] n = {0};
    List<Change> batch = new ArrayList<>();
    SourceState[] current = {null};
    Runnable finish =
        () -> {
          SourceState s = current[0];
          if (s != null) {
            s.apply(batch, false, clock.instant());
            batch.clear();
            s.rebuildLabels();
            s.undrained = true;
            sources.put(s.source, s);
            current[0] = null;
          }
        };
    records.accept(
        new Store.Sources() {
          @Override
          public void begin(String source) {
            finish.run();
            current[0] = new SourceState(source, rules, incremental);
          }

          @Override
          public void record(String stream, Record record) {
            batch.add(new Change(stream, null, record));
            n[0]++;
            if (batch.size() == LOAD_BATCH) {
              current[0].apply(batch, false, clock.instant());
              batch.clear();
            }
          }
        });
    finish.run();
    return n[0];
  }

  /**
   * Forgets everything the engine knows of a source (a connector a reload removed): the next {@link
   * #compute()} has none of its series. The store keeps its records; a later {@link #load} learns
   * them again. Only the source's own state goes: the other sources' aggregates are untouched and
   * stay incremental.
   *
   * @return whether the engine knew the source
   */
  public synchronized boolean drop(String source) {
    return sources.remove(source) != null;
  }

  /**
   * Negative durations of a source's tickets left out of every KPI and histogram (the model refuses
   * them, so this stays 0 unless a connector bypasses its check).
   */
  public synchronized long negativeDurationsSkipped(String source) {
    SourceState s = sources.get(source);
    return s == null ? 0 : s.negativeDurations;
  }

  /** SLA breaches that happened by time passing since the last tick (live only). */
  public synchronized List<Transition> tick() {
    List<Transition> out = new ArrayList<>();
    Instant now = clock.instant();
    for (SourceState s : sources.values()) {
      out.addAll(s.tick(now));
    }
    return out;
  }

  /**
   * The label combinations first seen since the last call, so counters and histograms can start at
   * 0 for them (a series that appears at 1 hides its first increase from {@code rate()}).
   */
  public synchronized SeenLabels drainNewLabels() {
    List<SeenLabels.Combo> combos = new ArrayList<>();
    List<SeenLabels.Combo> surveys = new ArrayList<>();
    List<SeenLabels.Combo> sla = new ArrayList<>();
    List<String> dealSources = new ArrayList<>();
    List<SeenLabels.Combo> tags = new ArrayList<>();
    List<SeenLabels.Combo> slaTags = new ArrayList<>();
    Map<String, Long> dropped = new LinkedHashMap<>();
    for (SourceState s : sources.values()) {
      // only a source applied to or loaded since the last call can have anything new: with 1,000
      // sources, each page a connector applies would otherwise visit them all (issue 18)
      if (!s.undrained) {
        continue;
      }
      s.undrained = false;
      long folded = s.budget.dropped();
      if (folded != s.droppedReported) {
        dropped.put(s.source, folded);
        s.droppedReported = folded;
      }
      if (s.tags != null) {
        boolean withSla = hasSla(s);
        // a source that just got SLA data starts the per-tag SLA series of every tag so far
        List<String> forSla =
            !withSla ? List.of() : s.slaTagsReported ? s.tags.newLabels : s.tags.labels;
        forSla.forEach(t -> slaTags.add(new SeenLabels.Combo(s.source, List.of(t))));
        s.slaTagsReported |= withSla;
        s.tags.newLabels.forEach(t -> tags.add(new SeenLabels.Combo(s.source, List.of(t))));
        s.tags.newLabels.clear();
      }
      if (s.newDeals) {
        dealSources.add(s.source);
        s.newDeals = false;
      }
      if (hasSla(s)) {
        // a source that just got SLA data starts the SLA series of every combination seen so far
        List<SourceState.Combo> l = s.slaCombosReported ? List.of() : s.comboById;
        l.forEach(c -> sla.add(new SeenLabels.Combo(s.source, c.values)));
        if (s.slaCombosReported) {
          s.newCombos.forEach(c -> sla.add(new SeenLabels.Combo(s.source, c)));
        }
        s.slaCombosReported = true;
      }
      s.newCombos.forEach(c -> combos.add(new SeenLabels.Combo(s.source, c)));
      s.newSurveyScores.forEach(c -> surveys.add(new SeenLabels.Combo(s.source, c)));
      s.newCombos.clear();
      s.newSurveyScores.clear();
    }
    return new SeenLabels(
        combos, surveys, dealSources, rules.calendar != null, sla, tags, slaTags, dropped);
  }

  /**
   * Whether a source has SLA series: a {@code kpi.sla} policy is configured, or any of its tickets
   * carried the vendor's own SLA data. Without either it emits no {@code cx_sla_*} series (no
   * dozens of zeros for a helpdesk without SLAs).
   */
  private boolean hasSla(SourceState s) {
    return !rules.config.sla().isEmpty() || s.vendorSla;
  }

  /**
   * The tickets behind a KPI of one source, for alert notifications: at most {@code limit}, the
   * most telling first.
   *
   * @param dims dimension filters on the tickets' (capped) labels, e.g. {@code group=Billing}
   * @param window for the slowest picks: how far back a reply or solve counts
   * @param business for the slowest picks: rank by business-hours durations
   */
  public synchronized List<TicketView> tickets(
      String source,
      Map<String, String> dims,
      TicketView.Pick pick,
      Duration window,
      boolean business,
      int limit) {
    SourceState s = sources.get(source);
    if (s == null || limit <= 0) {
      return List.of();
    }
    Instant now = clock.instant();
    List<String> names = rules.config.dimensions();
    java.util.function.Predicate<TicketFacts> matches =
        f ->
            dims.entrySet().stream()
                .allMatch(
                    e -> {
                      int i = names.indexOf(e.getKey());
                      return i >= 0 && e.getValue().equals(f.dims.get(i));
                    });
    List<TicketFacts> found = new ArrayList<>();
    java.util.Comparator<TicketFacts> order;
    switch (pick) {
      case OLDEST_OPEN, OLDEST_UNASSIGNED, SOONEST_DUE -> {
        for (String id : s.open) {
          TicketFacts f = s.tickets.get(id);
          if (f != null
              && matches.test(f)
              && switch (pick) {
                case OLDEST_UNASSIGNED -> unassigned(f.ticket);
                case SOONEST_DUE -> due(f, now) != null;
                default -> true;
              }) {
            found.add(f);
          }
        }
        order =
            pick == TicketView.Pick.SOONEST_DUE
                ? java.util.Comparator.comparing((TicketFacts f) -> due(f, now))
                : java.util.Comparator.comparing((TicketFacts f) -> f.ticket.createdAt());
      }
      default -> {
        boolean reply = pick == TicketView.Pick.SLOWEST_FIRST_RESPONSE;
        long from = now.minus(window).toEpochMilli();
        long to = now.toEpochMilli();
        TicketFacts[] items = s.ticketTable.items();
        for (int i = 0, n = s.ticketTable.limit(); i < n; i++) {
          TicketFacts f = items[i];
          long at = f == null ? TicketFacts.NO_TIME : reply ? f.firstReplyMillis : f.solvedMillis;
          if (at != TicketFacts.NO_TIME
              && at > from
              && at <= to
              && matches.test(f)
              && !Double.isNaN(seconds(f, reply, business))) {
            found.add(f);
          }
        }
        order =
            java.util.Comparator.comparingDouble((TicketFacts f) -> seconds(f, reply, business))
                .reversed();
      }
    }
    found.sort(order.thenComparing(f -> f.ticket.id()));
    List<TicketView> out = new ArrayList<>();
    int group = names.indexOf("group");
    for (TicketFacts f : found.subList(0, Math.min(limit, found.size()))) {
      double secs =
          switch (pick) {
            case SLOWEST_FIRST_RESPONSE -> seconds(f, true, business);
            case SLOWEST_RESOLUTION -> seconds(f, false, business);
            default -> Double.NaN;
          };
      out.add(
          new TicketView(
              f.ticket.id(),
              f.ticket.subject(),
              group >= 0 ? f.dims.get(group) : f.ticket.group(),
              f.ticket.createdAt(),
              due(f, now),
              secs));
    }
    return out;
  }

  /** The soonest due time of a target still running, or null. */
  private static Instant due(TicketFacts f, Instant now) {
    Instant best = null;
    for (SlaTarget t : SlaTarget.values()) {
      Instant d = f.due(t);
      TicketFacts.Outcome o = f.outcome(t, now);
      if (d != null
          && (o == TicketFacts.Outcome.RUNNING || o == TicketFacts.Outcome.BREACHED)
          && f.fulfilledAt(t) == null
          && (best == null || d.isBefore(best))) {
        best = d;
      }
    }
    return best;
  }

  private static double seconds(TicketFacts f, boolean reply, boolean business) {
    return reply
        ? (business ? f.firstReplyBus : f.firstReplyCal)
        : (business ? f.resolutionBus : f.resolutionCal);
  }

  /** Computes every gauge at the clock's current time. */
  public synchronized KpiSnapshot compute() {
    Instant now = clock.instant();
    SeriesBuilder out = new SeriesBuilder();
    SeriesBuilder tagOut = new SeriesBuilder();
    Instant cutoff = now.minus(rules.config.longestWindow()).minus(Duration.ofDays(1));
    for (SourceState s : sources.values()) {
      s.prune(cutoff);
      s.rankLabels();
      if (s.tags != null && s.tags.rank() && s.windows != null) {
        s.windows.invalidate(); // tickets move to other tag labels: rebuild
      }
      if (s.windows != null) {
        s.windows.advance(now, cutoff);
      }
      folded(s, out);
      backlog(s, now, out);
      windows(s, now, out, tagOut);
      if (s.tags != null) {
        tagBacklog(s, now, tagOut);
      }
    }
    targets(out);
    return new KpiSnapshot(now, out.series, tagOut.series);
  }

  /**
   * {@code label_values_folded{source,label}}: the distinct values of each capped label ({@code
   * kpi.dimensions}, and {@code tag}) that the last ranking folded into {@code other}. A gauge, not
   * a counter: the kept set is recomputed at each refresh, so a value may be folded and unfolded.
   */
  private void folded(SourceState s, SeriesBuilder out) {
    List<String> names = List.of("source", "label");
    List<String> dims = rules.config.dimensions();
    for (int i = 0; i < dims.size(); i++) {
      out.add("label_values_folded", names, List.of(s.source, dims.get(i)), s.caps.get(i).folded());
    }
    if (s.tags != null) {
      out.add("label_values_folded", names, List.of(s.source, "tag"), s.tags.folded);
    }
  }

  private SourceState state(String source) {
    return sources.computeIfAbsent(source, k -> new SourceState(k, rules, incremental));
  }

  private void backlog(SourceState s, Instant now, SeriesBuilder out) {
    List<String> dims = rules.config.dimensions();
    TicketStatus[] statuses = TicketStatus.values();
    int combos = s.comboCount();
    long[] open = new long[combos * statuses.length];
    Instant[] oldest = new Instant[combos]; // the oldest open ticket's creation
    long[] atRisk = new long[combos];
    long[] unassigned = new long[combos];
    Instant[] oldestUnassigned = new Instant[combos];
    Instant horizon = now.plus(rules.config.slaRiskHorizon());
    if (s.windows != null) {
      IncrementalWindows w = s.windows;
      for (int c = 0; c < Math.min(combos, w.combos()); c++) {
        for (TicketStatus status : statuses) {
          open[c * statuses.length + status.ordinal()] = w.open(c, status);
        }
        oldest[c] = w.oldest(c);
        atRisk[c] = w.atRisk(c);
        unassigned[c] = w.unassigned(c);
        oldestUnassigned[c] = w.oldestUnassigned(c);
      }
    }
    for (String id : s.windows != null ? List.<String>of() : s.open) {
      TicketFacts f = s.tickets.get(id);
      Ticket t = f.ticket;
      int c = f.combo.id;
      open[c * statuses.length + t.status().ordinal()]++;
      if (oldest[c] == null || t.createdAt().isBefore(oldest[c])) {
        oldest[c] = t.createdAt();
      }
      if (unassigned(t)) {
        unassigned[c]++;
        if (oldestUnassigned[c] == null || t.createdAt().isBefore(oldestUnassigned[c])) {
          oldestUnassigned[c] = t.createdAt();
        }
      }
      for (SlaTarget target : SlaTarget.values()) {
        Instant due = f.due(target);
        if (due != null
            && f.outcome(target, now) == TicketFacts.Outcome.RUNNING
            && !due.isAfter(horizon)) {
          atRisk[c]++;
          break;
        }
      }
    }
    BacklogPlan plan = s.backlogPlan;
    long version = s.windows == null ? -1 : s.windows.backlogVersion();
    if (plan == null
        || version < 0
        || plan.version != version
        || plan.combos != combos
        || plan.sla != hasSla(s)) {
      plan = backlogPlan(s, combos, open, oldest, unassigned);
      plan.version = version;
      s.backlogPlan = plan;
    }
    for (BacklogPlan.Status e : plan.status) {
      out.add("tickets_open", plan.statusNames, e.values(), open[e.at()]);
    }
    for (BacklogPlan.Combo e : plan.dims) {
      double age = Math.max(0, Duration.between(oldest[e.combo()], now).toMillis() / 1000.0);
      out.add("ticket_open_oldest_age_seconds", plan.dimNames, e.values(), age);
      if (plan.sla) {
        out.add("sla_at_risk_tickets", plan.dimNames, e.values(), atRisk[e.combo()]);
      }
    }
    for (BacklogPlan.Merged e : plan.unassigned) {
      long count = 0;
      Instant first = null;
      for (int c : e.combos()) {
        count += unassigned[c];
        if (oldestUnassigned[c] != null && (first == null || oldestUnassigned[c].isBefore(first))) {
          first = oldestUnassigned[c];
        }
      }
      out.add("tickets_unassigned", plan.unassignedNames, e.values(), count);
      if (first != null) {
        double age = Math.max(0, Duration.between(first, now).toMillis() / 1000.0);
        out.add("ticket_unassigned_oldest_age_seconds", plan.unassignedNames, e.values(), age);
      }
    }
  }

  /**
   * Which backlog series a source has and their labels, in output order: the same as long as no
   * open ticket changes (the incremental engine's backlog version), so a refresh with no change, as
   * every step of a history replay, only reads the counts and ages.
   */
  static final class BacklogPlan {
    long version;
    int combos;
    boolean sla;
    List<String> statusNames;
    List<String> dimNames;
    List<String> unassignedNames;
    final List<Status> status = new ArrayList<>();
    final List<Combo> dims = new ArrayList<>();
    final List<Merged> unassigned = new ArrayList<>();

    /** {@code tickets_open} of one combination and status: {@code at} indexes the counts. */
    record Status(int at, List<String> values) {}

    record Combo(int combo, List<String> values) {}

    /** Combinations that differ only by assignee, merged for the unassigned backlog. */
    record Merged(int[] combos, List<String> values) {}
  }

  private BacklogPlan backlogPlan(
      SourceState s, int combos, long[] open, Instant[] oldest, long[] unassigned) {
    List<String> dims = rules.config.dimensions();
    TicketStatus[] statuses = TicketStatus.values();
    BacklogPlan plan = new BacklogPlan();
    plan.combos = combos;
    plan.sla = hasSla(s);
    Map<List<String>, Integer> byStatus = new HashMap<>();
    Map<List<String>, Integer> byDims = new HashMap<>();
    Map<List<String>, List<Integer>> byUnassigned = new HashMap<>();
    int assigneeDim = dims.indexOf("assignee");
    for (int c = 0; c < combos; c++) {
      if (oldest[c] == null) {
        continue;
      }
      List<String> values = s.comboById.get(c).values;
      for (TicketStatus status : statuses) {
        if (open[c * statuses.length + status.ordinal()] > 0) {
          List<String> key = new ArrayList<>(values.size() + 1);
          key.add(status.label());
          key.addAll(values);
          byStatus.put(key, c * statuses.length + status.ordinal());
        }
      }
      byDims.put(values, c);
      // the unassigned backlog: the dimensions but assignee (always none there), merged
      List<String> key = values;
      if (assigneeDim >= 0) {
        key = new ArrayList<>(values);
        key.remove(assigneeDim);
      }
      byUnassigned.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    }
    List<String> statusNames = new ArrayList<>();
    statusNames.add("source");
    statusNames.add("status");
    statusNames.addAll(dims);
    List<String> dimNames = new ArrayList<>();
    dimNames.add("source");
    dimNames.addAll(dims);
    List<String> unassignedNames = new ArrayList<>(dimNames);
    unassignedNames.remove("assignee");
    plan.statusNames = List.copyOf(statusNames);
    plan.dimNames = List.copyOf(dimNames);
    plan.unassignedNames = List.copyOf(unassignedNames);
    for (Map.Entry<List<String>, Integer> e : sorted(byStatus)) {
      plan.status.add(new BacklogPlan.Status(e.getValue(), withSource(s, e.getKey())));
    }
    for (Map.Entry<List<String>, Integer> e : sorted(byDims)) {
      plan.dims.add(new BacklogPlan.Combo(e.getValue(), withSource(s, e.getKey())));
    }
    for (Map.Entry<List<String>, List<Integer>> e : sorted(byUnassigned)) {
      int[] cs = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      plan.unassigned.add(new BacklogPlan.Merged(cs, withSource(s, e.getKey())));
    }
    return plan;
  }

  private static List<String> withSource(SourceState s, List<String> values) {
    List<String> l = new ArrayList<>(values.size() + 1);
    l.add(s.source);
    l.addAll(values);
    return List.copyOf(l);
  }

  /** Open unassigned tickets of one label set (dimensions without assignee), and the oldest. */
  private static final class Unassigned {
    long count;
    Instant oldest;
  }

  /** True for a ticket nobody is assigned to (no assignee name or id, or blank ones). */
  static boolean unassigned(Ticket t) {
    return (t.assignee() == null || t.assignee().isBlank())
        && (t.assigneeId() == null || t.assigneeId().isBlank());
  }

  /**
   * The backlog gauges per {@code tag} value: labels {@code source}, ({@code status},) {@code tag};
   * an open ticket counts in the series of each of its tag values.
   */
  private void tagBacklog(SourceState s, Instant now, SeriesBuilder out) {
    TicketStatus[] statuses = TicketStatus.values();
    int n = s.tags.labels.size();
    long[] open = new long[n * statuses.length];
    Instant[] oldest = new Instant[n];
    long[] atRisk = new long[n];
    Instant horizon = now.plus(rules.config.slaRiskHorizon());
    int[] labels = new int[1];
    if (s.windows != null) {
      for (int l = 0; l < n; l++) {
        for (TicketStatus status : statuses) {
          open[l * statuses.length + status.ordinal()] = s.windows.tagOpen(l, status);
        }
        oldest[l] = s.windows.tagOldest(l);
        atRisk[l] = s.windows.tagAtRisk(l);
      }
    }
    for (String id : s.windows != null ? List.<String>of() : s.open) {
      TicketFacts f = s.tickets.get(id);
      if (labels.length < f.tags.length) {
        labels = new int[f.tags.length];
      }
      boolean risk = false;
      for (SlaTarget target : SlaTarget.values()) {
        Instant due = f.due(target);
        risk |=
            due != null
                && f.outcome(target, now) == TicketFacts.Outcome.RUNNING
                && !due.isAfter(horizon);
      }
      for (int i = 0, k = s.tags.labelsOf(f.tags, labels); i < k; i++) {
        int l = labels[i];
        open[l * statuses.length + f.ticket.status().ordinal()]++;
        if (oldest[l] == null || f.ticket.createdAt().isBefore(oldest[l])) {
          oldest[l] = f.ticket.createdAt();
        }
        atRisk[l] += risk ? 1 : 0;
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int l = 0; l < n; l++) {
      if (oldest[l] != null) {
        order.add(l);
      }
    }
    order.sort(java.util.Comparator.comparing(s.tags.labels::get));
    for (int l : order) {
      String tag = s.tags.labels.get(l);
      for (TicketStatus status : statuses) {
        long count = open[l * statuses.length + status.ordinal()];
        if (count > 0) {
          out.add(
              "tickets_open",
              List.of("source", "status", "tag"),
              List.of(s.source, status.label(), tag),
              count);
        }
      }
      double age = Math.max(0, Duration.between(oldest[l], now).toMillis() / 1000.0);
      List<String> names = List.of("source", "tag");
      out.add("ticket_open_oldest_age_seconds", names, List.of(s.source, tag), age);
      out.add("sla_at_risk_tickets", names, List.of(s.source, tag), atRisk[l]);
    }
  }

  /** The entries ordered by their keys' values joined with NUL (each key joined once). */
  private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> m) {
    List<Map.Entry<String, Map.Entry<List<String>, V>>> keyed = new ArrayList<>(m.size());
    for (Map.Entry<List<String>, V> e : m.entrySet()) {
      keyed.add(Map.entry(String.join("\u0000", e.getKey()), e));
    }
    keyed.sort(Map.Entry.comparingByKey());
    List<Map.Entry<List<String>, V>> l = new ArrayList<>(keyed.size());
    for (Map.Entry<String, Map.Entry<List<String>, V>> e : keyed) {
      l.add(e.getValue());
    }
    return l;
  }

  private void windows(SourceState s, Instant now, SeriesBuilder out, SeriesBuilder tagOut) {
    List<String> dims = rules.config.dimensions();
    List<String> names = new ArrayList<>(rules.config.windows().keySet());
    WindowView pass =
        s.windows != null
            ? s.windows
            : new WindowPass(s, new ArrayList<>(rules.config.windows().values()), now).run();
    // per dimension: the values any window counted, by label; counts are 0, not missing, for a
    // value seen in any window
    List<List<Map.Entry<String, Integer>>> seen = new ArrayList<>();
    for (int i = 0; i < dims.size(); i++) {
      List<Map.Entry<String, Integer>> values = new ArrayList<>();
      List<String> labels = s.dimValues.get(i);
      for (int v = 0; v < labels.size(); v++) {
        if (pass.present(pass.aggregate(i, v))) {
          values.add(Map.entry(labels.get(v), pass.aggregate(i, v)));
        }
      }
      values.sort(Map.Entry.comparingByKey());
      seen.add(values);
    }
    List<Map.Entry<String, Integer>> tags = new ArrayList<>();
    for (int v = 0; s.tags != null && v < s.tags.labels.size(); v++) {
      if (pass.present(pass.tagAggregate(v))) {
        tags.add(Map.entry(s.tags.labels.get(v), pass.tagAggregate(v)));
      }
    }
    tags.sort(Map.Entry.comparingByKey());
    for (int w = 0; w < names.size(); w++) {
      String window = names.get(w);
      emit(s.source, null, null, window, pass.aggregates(w, 0), out);
      for (int i = 0; i < dims.size(); i++) {
        for (Map.Entry<String, Integer> e : seen.get(i)) {
          emit(s.source, dims.get(i), e.getKey(), window, pass.aggregates(w, e.getValue()), out);
        }
      }
      for (Map.Entry<String, Integer> e : tags) {
        emit(s.source, "tag", e.getKey(), window, pass.aggregates(w, e.getValue()), tagOut);
      }
      crm(s, now.minus(rules.config.windows().get(window)), now, window, out);
    }
    customers(s, now, out);
  }

  /** {@code customers{state}} and {@code mrr} now, for a source that has customers. */
  private static void customers(SourceState s, Instant now, SeriesBuilder out) {
    if (s.customers.isEmpty()) {
      return;
    }
    long active = 0;
    long churned = 0;
    double mrr = 0;
    boolean anyMrr = false;
    for (Customer c : s.customers.values()) {
      if (c.activeAt(now)) {
        active++;
        if (c.mrr() != null) {
          anyMrr = true;
          mrr += c.mrr();
        }
      } else if (c.churnedAt() != null && !c.churnedAt().isAfter(now)) {
        churned++;
      }
    }
    List<String> names = List.of("source", "state");
    out.add("customers", names, List.of(s.source, "active"), active);
    out.add("customers", names, List.of(s.source, "churned"), churned);
    if (anyMrr) {
      out.add("mrr", List.of("source"), List.of(s.source), mrr);
    }
  }

  private void emit(
      String source,
      String dim,
      String dimValue,
      String window,
      WindowAggregates a,
      SeriesBuilder out) {
    durations(
        source,
        dim,
        dimValue,
        window,
        "kpi_first_response_seconds",
        a,
        WindowAggregates.FIRST_REPLY_CAL,
        WindowAggregates.FIRST_REPLY_BUS,
        out);
    durations(
        source,
        dim,
        dimValue,
        window,
        "kpi_resolution_seconds",
        a,
        WindowAggregates.RESOLUTION_CAL,
        WindowAggregates.RESOLUTION_BUS,
        out);
    durations(
        source,
        dim,
        dimValue,
        window,
        "kpi_requester_wait_seconds",
        a,
        WindowAggregates.REQUESTER_WAIT_CAL,
        WindowAggregates.REQUESTER_WAIT_BUS,
        out);
    List<List<String>> l = SeriesBuilder.labels(source, dim, dimValue, "window", window);
    out.add("kpi_tickets_created", l.get(0), l.get(1), a.created);
    out.add("kpi_tickets_solved", l.get(0), l.get(1), a.solved);
    out.add(
        "kpi_csat_ratio", l.get(0), l.get(1), WindowAggregates.ratio(a.csatSatisfied, a.csatTotal));
    out.add(
        "kpi_nps_score",
        l.get(0),
        l.get(1),
        a.npsTotal == 0 ? Double.NaN : 100.0 * (a.npsPromoters - a.npsDetractors) / a.npsTotal);
    out.add(
        "kpi_ces_score", l.get(0), l.get(1), a.cesTotal == 0 ? Double.NaN : a.cesSum / a.cesTotal);
    out.add(
        "kpi_first_contact_resolution_ratio",
        l.get(0),
        l.get(1),
        WindowAggregates.ratio(a.fcrSolved, a.fcrKnown));
    out.add(
        "kpi_agent_replies_per_ticket",
        l.get(0),
        l.get(1),
        WindowAggregates.ratio(a.replies, a.fcrKnown));
    out.add("kpi_reopen_ratio", l.get(0), l.get(1), WindowAggregates.ratio(a.reopened, a.solved));
    out.add(
        "kpi_escalation_ratio", l.get(0), l.get(1), WindowAggregates.ratio(a.escalated, a.created));
    out.add(
        "kpi_solved_per_agent",
        l.get(0),
        l.get(1),
        a.agents == 0 ? Double.NaN : (double) a.solved / a.agents);
    for (SlaTarget target : SlaTarget.values()) {
      boolean first = target == SlaTarget.FIRST_RESPONSE;
      long met = first ? a.slaFirstMet : a.slaResMet;
      long breached = first ? a.slaFirstBreached : a.slaResBreached;
      List<List<String>> tl =
          SeriesBuilder.labels(source, dim, dimValue, "window", window, "target", target.label());
      out.add(
          "kpi_sla_attainment_ratio",
          tl.get(0),
          tl.get(1),
          WindowAggregates.ratio(met, met + breached));
    }
  }

  private static void durations(
      String source,
      String dim,
      String dimValue,
      String window,
      String name,
      WindowAggregates a,
      int cal,
      int bus,
      SeriesBuilder out) {
    for (String hours : new String[] {"calendar", "business"}) {
      int v = hours.equals("calendar") ? cal : bus;
      if (a.count[v] == 0) {
        continue;
      }
      add(out, name, source, dim, dimValue, window, hours, "mean", a.mean[v]);
      add(out, name, source, dim, dimValue, window, hours, "p50", a.p50[v]);
      add(out, name, source, dim, dimValue, window, hours, "p90", a.p90[v]);
    }
  }

  private static void add(
      SeriesBuilder out,
      String name,
      String source,
      String dim,
      String dimValue,
      String window,
      String hours,
      String stat,
      double value) {
    List<List<String>> l =
        SeriesBuilder.labels(source, dim, dimValue, "window", window, "hours", hours, "stat", stat);
    out.add(name, l.get(0), l.get(1), value);
  }

  private static void crm(
      SourceState s, Instant from, Instant to, String window, SeriesBuilder out) {
    List<List<String>> l = SeriesBuilder.labels(s.source, null, null, "window", window);
    if (!s.customers.isEmpty()) {
      long atStart = 0;
      long lost = 0;
      long atEnd = 0;
      long joined = 0;
      double mrrAtStart = 0;
      double mrrLost = 0;
      boolean mrr = false;
      for (Customer c : s.customers.values()) {
        boolean churnedByEnd = c.churnedAt() != null && !c.churnedAt().isAfter(to);
        if (c.activeAt(from)) {
          atStart++;
          mrr |= c.mrr() != null;
          mrrAtStart += c.mrr() == null ? 0 : c.mrr();
          if (churnedByEnd) {
            lost++;
            mrrLost += c.mrr() == null ? 0 : c.mrr();
          }
        }
        if (c.activeAt(to)) {
          atEnd++;
        }
        if (c.since().isAfter(from) && !c.since().isAfter(to)) {
          joined++;
        }
      }
      out.add("kpi_churn_ratio", l.get(0), l.get(1), WindowAggregates.ratio(lost, atStart));
      // (customers at the end − new in the window) ÷ customers at the start
      out.add(
          "kpi_retention_ratio",
          l.get(0),
          l.get(1),
          WindowAggregates.ratio(atEnd - joined, atStart));
      if (mrr && mrrAtStart > 0) {
        out.add("kpi_mrr_churn_ratio", l.get(0), l.get(1), mrrLost / mrrAtStart);
      }
    }
    long won = 0;
    long closed = 0;
    for (String id : s.dealsClosed.range(from, to)) {
      Deal d = s.deals.get(id);
      closed++;
      won += d.stage() == DealStage.WON ? 1 : 0;
    }
    out.add("kpi_conversion_ratio", l.get(0), l.get(1), WindowAggregates.ratio(won, closed));
  }

  private void targets(SeriesBuilder out) {
    for (KpiTarget t : rules.config.targets()) {
      out.add(
          "kpi_target",
          List.of("kpi", "stat", "window", "hours"),
          List.of(t.kpi(), t.stat(), t.window(), t.hours()),
          t.value());
    }
  }
}
