package io.cxexporter.kpi;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.KpiTarget;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.Ticket;
import io.cxexporter.store.Change;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Derives every KPI from the stored records: keeps the latest version of each record in memory,
 * indexed by the times that place it in windows, and computes an immutable {@link KpiSnapshot}.
 *
 * <pre>{@code
 * KpiEngine kpi = new KpiEngine(config.kpi(), Clock.systemUTC());
 * List<Transition> t = kpi.apply("zd", store.apply("zd", "tickets", page), true);
 * KpiSnapshot snap = kpi.compute();   // O(records in the longest window + backlog)
 * }</pre>
 *
 * <p>Which window a record falls in: first response by the first reply time, resolution by the
 * solve time, a survey by its response time, creation by the creation time. Quantiles are
 * nearest-rank over the exact values. Time comes only from the injected clock. Thread-safe (one
 * lock).
 */
public final class KpiEngine {
  private static final double[] QUANTILES = {0.5, 0.9};

  private final Rules rules;
  private final Clock clock;
  private final Map<String, SourceState> sources = new LinkedHashMap<>();

  public KpiEngine(KpiConfig config, Clock clock) {
    this.rules = new Rules(config);
    this.clock = clock;
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
    return state(source).apply(changes, live, clock.instant());
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
    for (SourceState s : sources.values()) {
      s.newCombos.forEach(c -> combos.add(new SeenLabels.Combo(s.source, c)));
      s.newSurveyScores.forEach(c -> surveys.add(new SeenLabels.Combo(s.source, c)));
      s.newCombos.clear();
      s.newSurveyScores.clear();
    }
    return new SeenLabels(combos, surveys, rules.calendar != null);
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
      case OLDEST_OPEN, SOONEST_DUE -> {
        for (String id : s.open) {
          TicketFacts f = s.tickets.get(id);
          if (f != null
              && matches.test(f)
              && (pick == TicketView.Pick.OLDEST_OPEN || due(f, now) != null)) {
            found.add(f);
          }
        }
        order =
            pick == TicketView.Pick.OLDEST_OPEN
                ? java.util.Comparator.comparing((TicketFacts f) -> f.ticket.createdAt())
                : java.util.Comparator.comparing((TicketFacts f) -> due(f, now));
      }
      default -> {
        boolean reply = pick == TicketView.Pick.SLOWEST_FIRST_RESPONSE;
        for (String id : (reply ? s.firstReplied : s.solved).range(now.minus(window), now)) {
          TicketFacts f = s.tickets.get(id);
          if (f != null && matches.test(f) && !Double.isNaN(seconds(f, reply, business))) {
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
    Instant cutoff = now.minus(rules.config.longestWindow()).minus(Duration.ofDays(1));
    for (SourceState s : sources.values()) {
      s.prune(cutoff);
      backlog(s, now, out);
      windows(s, now, out);
    }
    targets(out);
    return new KpiSnapshot(now, out.series);
  }

  private SourceState state(String source) {
    return sources.computeIfAbsent(source, k -> new SourceState(k, rules));
  }

  private void backlog(SourceState s, Instant now, SeriesBuilder out) {
    List<String> dims = rules.config.dimensions();
    Map<List<String>, long[]> open = new HashMap<>();
    Map<List<String>, double[]> oldestAtRisk = new HashMap<>();
    Instant horizon = now.plus(rules.config.slaRiskHorizon());
    for (String id : s.open) {
      TicketFacts f = s.tickets.get(id);
      Ticket t = f.ticket;
      List<String> key = new ArrayList<>(f.dims.size() + 1);
      key.add(t.status().label());
      key.addAll(f.dims);
      open.computeIfAbsent(key, k -> new long[1])[0]++;
      double[] or = oldestAtRisk.computeIfAbsent(f.dims, k -> new double[2]);
      or[0] =
          Math.max(or[0], Math.max(0, Duration.between(t.createdAt(), now).toMillis() / 1000.0));
      for (SlaTarget target : SlaTarget.values()) {
        Instant due = f.due(target);
        if (due != null
            && f.outcome(target, now) == TicketFacts.Outcome.RUNNING
            && !due.isAfter(horizon)) {
          or[1]++;
          break;
        }
      }
    }
    List<String> statusNames = new ArrayList<>();
    statusNames.add("source");
    statusNames.add("status");
    statusNames.addAll(dims);
    List<String> dimNames = new ArrayList<>();
    dimNames.add("source");
    dimNames.addAll(dims);
    for (Map.Entry<List<String>, long[]> e : sorted(open)) {
      List<String> values = new ArrayList<>();
      values.add(s.source);
      values.addAll(e.getKey());
      out.add("tickets_open", statusNames, values, e.getValue()[0]);
    }
    for (Map.Entry<List<String>, double[]> e : sorted(oldestAtRisk)) {
      List<String> values = new ArrayList<>();
      values.add(s.source);
      values.addAll(e.getKey());
      out.add("ticket_open_oldest_age_seconds", dimNames, values, e.getValue()[0]);
      out.add("sla_at_risk_tickets", dimNames, values, e.getValue()[1]);
    }
  }

  private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> m) {
    List<Map.Entry<List<String>, V>> l = new ArrayList<>(m.entrySet());
    l.sort(
        (a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
    return l;
  }

  private void windows(SourceState s, Instant now, SeriesBuilder out) {
    int nd = rules.config.dimensions().size();
    Map<String, Groups<WindowAggregates>> byWindow = new LinkedHashMap<>();
    List<TreeSet<String>> seen = new ArrayList<>();
    for (int i = 0; i < nd; i++) {
      seen.add(new TreeSet<>());
    }
    for (Map.Entry<String, Duration> w : rules.config.windows().entrySet()) {
      Groups<WindowAggregates> g = aggregate(s, now.minus(w.getValue()), now);
      byWindow.put(w.getKey(), g);
      for (int i = 0; i < nd; i++) {
        seen.get(i).addAll(g.perDimension.get(i).keySet());
      }
    }
    for (Map.Entry<String, Groups<WindowAggregates>> w : byWindow.entrySet()) {
      Groups<WindowAggregates> g = w.getValue();
      for (int i = 0; i < nd; i++) {
        for (String v : seen.get(i)) {
          g.ensure(i, v); // counts are 0, not missing, for a value seen in any window
        }
      }
      emit(s.source, null, null, w.getKey(), g.whole, out);
      for (int i = 0; i < nd; i++) {
        for (Map.Entry<String, WindowAggregates> e : g.perDimension.get(i).entrySet()) {
          emit(
              s.source,
              rules.config.dimensions().get(i),
              e.getKey(),
              w.getKey(),
              e.getValue(),
              out);
        }
      }
      crm(s, now.minus(rules.config.windows().get(w.getKey())), now, w.getKey(), out);
    }
  }

  private Groups<WindowAggregates> aggregate(SourceState s, Instant from, Instant to) {
    Groups<WindowAggregates> g =
        new Groups<>(rules.config.dimensions().size(), WindowAggregates::new);
    for (String id : s.firstReplied.range(from, to)) {
      TicketFacts f = s.tickets.get(id);
      TicketFacts.Outcome o = f.outcome(SlaTarget.FIRST_RESPONSE, to);
      g.add(
          f.dims,
          a -> {
            a.firstReplyCal.add(f.firstReplyCal);
            a.firstReplyBus.add(f.firstReplyBus);
            a.slaFirstMet += o == TicketFacts.Outcome.MET ? 1 : 0;
            a.slaFirstBreached += o == TicketFacts.Outcome.BREACHED ? 1 : 0;
          });
    }
    for (String id : s.solved.range(from, to)) {
      TicketFacts f = s.tickets.get(id);
      Ticket t = f.ticket;
      TicketFacts.Outcome o = f.outcome(SlaTarget.RESOLUTION, to);
      g.add(
          f.dims,
          a -> {
            a.resolutionCal.add(f.resolutionCal);
            a.resolutionBus.add(f.resolutionBus);
            a.solved++;
            if (t.agentReplies() != null) {
              a.fcrKnown++;
              a.fcrSolved += t.agentReplies() == 1 ? 1 : 0;
            }
            a.reopened += t.reopens() > 0 ? 1 : 0;
            if (t.assignee() != null) {
              a.agents.add(t.assignee());
            }
            a.slaResMet += o == TicketFacts.Outcome.MET ? 1 : 0;
            a.slaResBreached += o == TicketFacts.Outcome.BREACHED ? 1 : 0;
          });
    }
    for (String id : s.created.range(from, to)) {
      TicketFacts f = s.tickets.get(id);
      g.add(
          f.dims,
          a -> {
            a.created++;
            a.escalated += f.ticket.escalated() ? 1 : 0;
          });
    }
    for (String id : s.open) {
      TicketFacts f = s.tickets.get(id);
      for (SlaTarget target : SlaTarget.values()) {
        Instant due = f.due(target);
        if (f.fulfilledAt(target) == null
            && due != null
            && due.isAfter(from)
            && !due.isAfter(to)
            && f.outcome(target, to) == TicketFacts.Outcome.BREACHED) {
          boolean first = target == SlaTarget.FIRST_RESPONSE;
          g.add(
              f.dims,
              a -> {
                if (first) {
                  a.slaFirstBreached++;
                } else {
                  a.slaResBreached++;
                }
              });
        }
      }
    }
    for (SurveyKind kind : SurveyKind.values()) {
      for (String key : s.responded.get(kind).range(from, to)) {
        SourceState.SurveyFacts f = s.surveys.get(key);
        var r = f.survey();
        g.add(
            s.dims(f),
            a -> {
              switch (kind) {
                case CSAT -> {
                  a.csatTotal++;
                  a.csatSatisfied += r.satisfied() ? 1 : 0;
                }
                case NPS -> {
                  a.npsTotal++;
                  a.npsPromoters += r.promoter() ? 1 : 0;
                  a.npsDetractors += r.detractor() ? 1 : 0;
                }
                case CES -> {
                  a.cesTotal++;
                  a.cesSum += r.score();
                }
              }
            });
      }
    }
    return g;
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
        a.firstReplyCal,
        a.firstReplyBus,
        out);
    durations(
        source,
        dim,
        dimValue,
        window,
        "kpi_resolution_seconds",
        a.resolutionCal,
        a.resolutionBus,
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
    out.add("kpi_reopen_ratio", l.get(0), l.get(1), WindowAggregates.ratio(a.reopened, a.solved));
    out.add(
        "kpi_escalation_ratio", l.get(0), l.get(1), WindowAggregates.ratio(a.escalated, a.created));
    out.add(
        "kpi_solved_per_agent",
        l.get(0),
        l.get(1),
        a.agents.isEmpty() ? Double.NaN : (double) a.solved / a.agents.size());
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
      Stats.Values cal,
      Stats.Values bus,
      SeriesBuilder out) {
    for (String hours : new String[] {"calendar", "business"}) {
      Stats.Values v = hours.equals("calendar") ? cal : bus;
      if (v.size() == 0) {
        continue;
      }
      add(out, name, source, dim, dimValue, window, hours, "mean", v.mean());
      add(out, name, source, dim, dimValue, window, hours, "p50", v.quantile(QUANTILES[0]));
      add(out, name, source, dim, dimValue, window, hours, "p90", v.quantile(QUANTILES[1]));
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
      for (Customer c : s.customers.values()) {
        if (c.activeAt(from)) {
          atStart++;
          if (c.churnedAt() != null && !c.churnedAt().isAfter(to)) {
            lost++;
          }
        }
      }
      out.add("kpi_churn_ratio", l.get(0), l.get(1), WindowAggregates.ratio(lost, atStart));
      out.add(
          "kpi_retention_ratio",
          l.get(0),
          l.get(1),
          WindowAggregates.ratio(atStart - lost, atStart));
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
          List.of("kpi", "stat", "window"),
          List.of(t.kpi(), t.stat(), t.window()),
          t.value());
    }
  }
}
