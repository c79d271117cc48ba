package io.cxexporter.kpi;

import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.store.Change;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the KPI engine knows of one source: the latest version of each record, in tables a
 * refresh scans ({@link WindowPass}), with dimension values and assignees as small indexes. {@link
 * #apply} keeps them current with each change and reports the transitions a live change makes.
 */
final class SourceState {
  final String source;
  private final Rules rules;
  final List<LabelCap> caps = new ArrayList<>();

  /** The {@code tag} label values, or null without {@code kpi.tags}. */
  final TagLabels tags;

  final Map<String, TicketFacts> tickets = new HashMap<>();
  final Set<String> open = new HashSet<>();

  /**
   * Every ticket by slot, for the refresh's linear scans (no per-window range index: the longest
   * window holds nearly every ticket kept). Slots of removed tickets are reused.
   */
  final Table<TicketFacts> ticketTable = new Table<>(TicketFacts.class);

  /** How many times a ticket took a new slot: a survey's failed ticket look-up stays valid till. */
  private long ticketsAdded;

  /** A lower bound of the solve times of the solved tickets kept: prune scans only past it. */
  private long minSolvedMillis = Long.MAX_VALUE;

  /** Vendor SLA clock events by ticket id, then event id; a ticket may arrive before or after. */
  final Map<String, Map<String, SlaEvent>> slaEvents = new HashMap<>();

  /** Surveys keyed by "stream/id": two streams may reuse an id. */
  final Map<String, SurveyFacts> surveys = new HashMap<>();

  final Table<SurveyFacts> surveyTable = new Table<>(SurveyFacts.class);
  private long minRespondedMillis = Long.MAX_VALUE;

  final Map<String, Customer> customers = new HashMap<>();
  final Map<String, Deal> deals = new HashMap<>();
  final TimeIndex dealsClosed = new TimeIndex();

  /**
   * Dimension combinations seen (one shared instance each, with value indexes) and survey
   * kind/score pairs, and those not yet reported.
   */
  private final Map<List<String>, Combo> combos = new HashMap<>();

  final List<Combo> comboById = new ArrayList<>();

  private final Map<List<String>, Combo> surveyDims = new HashMap<>();
  private final Set<List<String>> surveyScores = new HashSet<>();
  final List<List<String>> newCombos = new ArrayList<>();
  final List<List<String>> newSurveyScores = new ArrayList<>();

  /**
   * True when {@link KpiEngine#apply} or {@link KpiEngine#load} changed this source since {@link
   * KpiEngine#drainNewLabels} last read it: the only times it can have new labels.
   */
  boolean undrained;

  /** The folded combinations {@link KpiEngine#drainNewLabels} last reported; -1 before. */
  long droppedReported = -1;

  /** True from this source's first deal until {@link KpiEngine#drainNewLabels} reads it. */
  boolean newDeals;

  /**
   * True once any ticket of this source carried the vendor's own SLA data (its SLA statuses, or SLA
   * clock events folded into them); it stays true. With no {@code kpi.sla} policy either, the
   * source has no SLA series at all.
   */
  boolean vendorSla;

  /** True once {@link KpiEngine#drainNewLabels} reported every combination for SLA series. */
  boolean slaCombosReported;

  /** Whether the per-tag SLA series of this source's tags were started (see slaCombosReported). */
  boolean slaTagsReported;

  /** Per dimension: every value label seen (capped ones, {@code none}, {@code other}) by index. */
  final List<List<String>> dimValues = new ArrayList<>();

  private final List<Map<String, Integer>> dimIndex = new ArrayList<>();

  /** Assignees ({@link Rules#agentKey}) by index, for the distinct agents of solved per agent. */
  private final Map<String, Integer> agents = new HashMap<>();

  /** One shared combination of capped dimension values, with their dictionary indexes. */
  static final class Combo {
    final List<String> values;
    final int[] index;

    /** Its number; a combination reused by {@link #rebuildLabels} gets its new one (and index). */
    int id;

    /**
     * The id of its label set in the incremental windows (source, then each value), set when first
     * used; -1 before.
     */
    int labelSet = -1;

    Combo(List<String> values, int[] index, int id) {
      this.values = values;
      this.index = index;
      this.id = id;
    }
  }

  /** A survey with its own capped dimension values (null where it gives none). */
  static final class SurveyFacts {
    /** Its key in {@link #surveys}. */
    final String key;

    final SurveyResponse survey;

    /** Its own dimension values (null where none) and their indexes (-1 there). */
    Combo own;

    final long respondedMillis;
    int slot = -1;

    /**
     * The slot of the survey's ticket when last looked up (-1: none) with that slot's {@link
     * Table#frees} then, and the ticket count added at a failed look-up. A slot, not the facts: the
     * first refresh after a load sets it on every survey, and a reference stored into an old object
     * costs G1 a card mark and refinement (see TicketFacts#labelSet).
     */
    private int ticketSlot = -1;

    private int ticketSlotFrees;

    private long missedAt = -1;

    /** The label set it counts in while in the incremental windows, by id; else -1. */
    int labelSet = -1;

    SurveyFacts(String key, SurveyResponse survey, Combo own) {
      this.key = key;
      this.survey = survey;
      this.own = own;
      this.respondedMillis = survey.respondedAt().toEpochMilli();
    }

    SurveyResponse survey() {
      return survey;
    }

    List<String> ownDims() {
      return own.values;
    }
  }

  /** A growable array of records with reusable slots. */
  static final class Table<T> {
    private T[] items;

    /** Per slot: how many times it was freed, so a slot remembered with its count is still its. */
    private int[] frees = new int[64];

    private int high;
    private int[] free = new int[16];
    private int freeCount;

    @SuppressWarnings("unchecked")
    Table(Class<T> type) {
      items = (T[]) java.lang.reflect.Array.newInstance(type, 64);
    }

    /** Puts {@code item} in a free slot; returns the slot. */
    int add(T item) {
      int slot;
      if (freeCount > 0) {
        slot = free[--freeCount];
      } else {
        if (high == items.length) {
          items = java.util.Arrays.copyOf(items, high * 2);
          frees = java.util.Arrays.copyOf(frees, high * 2);
        }
        slot = high++;
      }
      items[slot] = item;
      return slot;
    }

    void set(int slot, T item) {
      items[slot] = item;
    }

    void remove(int slot) {
      items[slot] = null;
      frees[slot]++;
      if (freeCount == free.length) {
        free = java.util.Arrays.copyOf(free, freeCount * 2);
      }
      free[freeCount++] = slot;
    }

    /** The backing array: slots {@code 0 .. limit()-1}, null where free. */
    T[] items() {
      return items;
    }

    /** How many times {@code slot} was freed. */
    int frees(int slot) {
      return frees[slot];
    }

    int limit() {
      return high;
    }
  }

  /**
   * Bounds the series this source's label combinations create ({@code kpi.max_series_per_source}).
   */
  final SeriesBudget budget;

  /** The backlog series of the last refresh (see KpiEngine.BacklogPlan). */
  KpiEngine.BacklogPlan backlogPlan;

  /** The incremental aggregates, or null when every refresh scans (the tests' oracle). */
  final IncrementalWindows windows;

  SourceState(String source, Rules rules) {
    this(source, rules, true);
  }

  SourceState(String source, Rules rules, boolean incremental) {
    this.source = source;
    this.rules = rules;
    this.tags = rules.config.tags() == null ? null : new TagLabels(rules.config.tags());
    for (int i = 0; i < rules.config.dimensions().size(); i++) {
      caps.add(new LabelCap(rules.config.maxLabelValues()));
      dimValues.add(new ArrayList<>());
      dimIndex.add(new HashMap<>());
    }
    this.budget =
        new SeriesBudget(
            rules.config.maxSeriesPerSource(),
            rules.config.dimensions(),
            rules.config.histogramDimensions(),
            rules.calendar != null,
            () -> !rules.config.sla().isEmpty() || vendorSla);
    this.windows =
        incremental
            ? new IncrementalWindows(
                this,
                new ArrayList<>(rules.config.windows().values()),
                rules.config.slaRiskHorizon())
            : null;
  }

  /** The index of a dimension's value label, added when new. */
  int valueIndex(int dim, String value) {
    Integer i = dimIndex.get(dim).get(value);
    if (i == null) {
      i = dimValues.get(dim).size();
      dimValues.get(dim).add(value);
      dimIndex.get(dim).put(value, i);
    }
    return i;
  }

  /**
   * The shared combination of {@code dims}, or of its fold when a new combination does not fit the
   * series budget ({@link SeriesBudget}); reports a new one.
   */
  private Combo combo(List<String> dims) {
    Combo c = combos.get(dims);
    if (c != null) {
      return c;
    }
    dims = budget.place(dims, combos::containsKey);
    c = combos.get(dims);
    if (c == null) {
      budget.admit(dims);
      int[] index = new int[dims.size()];
      for (int i = 0; i < dims.size(); i++) {
        index[i] = valueIndex(i, dims.get(i));
      }
      c = recycle(recycled, dims, index, combos.size());
      if (c == null) {
        c = new Combo(dims, index, combos.size());
      }
      combos.put(dims, c);
      comboById.add(c);
      newCombos.add(dims);
    }
    return c;
  }

  /** Combinations seen so far (their ids are below this). */
  int comboCount() {
    return combos.size();
  }

  /** Gives the facts their shared dimension combination and agent index. */
  /**
   * Equal strings and raw label lists of this source's records, one instance each: a store's JSON
   * decoding hands every record fresh copies of the same group, channel, assignee and tag names,
   * which would otherwise be kept once per ticket. Bounded: past {@value #MAX_SHARED} distinct
   * values, new ones are kept as they come.
   */
  private final Map<Object, Object> sharedValues = new HashMap<>();

  private static final int MAX_SHARED = 100_000;

  @SuppressWarnings("unchecked")
  private <T> T share(T v) {
    if (v == null) {
      return null;
    }
    Object c = sharedValues.get(v);
    if (c != null) {
      return (T) c;
    }
    if (sharedValues.size() < MAX_SHARED) {
      sharedValues.put(v, v);
    }
    return v;
  }

  /** The ticket with its label-like strings shared (the same ticket when they already are). */
  private Ticket shared(Ticket t) {
    String channel = share(t.channel());
    String group = share(t.group());
    String assignee = share(t.assignee());
    String assigneeId = share(t.assigneeId());
    List<String> tagList = t.tags();
    boolean same =
        channel == t.channel()
            && group == t.group()
            && assignee == t.assignee()
            && assigneeId == t.assigneeId();
    if (!tagList.isEmpty()) {
      String[] shared = new String[tagList.size()];
      for (int i = 0; i < shared.length; i++) {
        shared[i] = share(tagList.get(i));
        same &= shared[i] == tagList.get(i);
      }
      if (!same) {
        tagList = List.of(shared);
      }
    }
    if (same) {
      return t;
    }
    return t.toBuilder()
        .channel(channel)
        .group(group)
        .assignee(assignee)
        .assigneeId(assigneeId)
        .tags(tagList)
        .build();
  }

  private void canonical(TicketFacts f) {
    f.rawDims = share(f.rawDims);
    Combo c = combo(f.dims);
    f.dims = c.values;
    f.dimIndex = c.index;
    f.combo = c;
    String a = rules.agentKey(f.ticket);
    if (a != null) {
      Integer i = agents.get(a);
      if (i == null) {
        i = agents.size();
        agents.put(a, i);
      }
      f.agent = i;
    }
    if (tags != null) {
      f.tags = tags.rawIds(f.ticket);
    }
  }

  /** Counts (1) or uncounts (-1) a ticket's dimension values in the label caps, once. */
  private void countDims(TicketFacts f, boolean counted) {
    if (f.dimsCounted != counted) {
      for (int i = 0; i < caps.size(); i++) {
        caps.get(i).count(f.rawDims.get(i), counted ? 1 : -1);
      }
      f.dimsCounted = counted;
    }
  }

  /** Counts (1) or uncounts (-1) a survey's own dimension values in the label caps. */
  private void countSurvey(SurveyResponse s, int delta) {
    for (int i = 0; i < caps.size(); i++) {
      caps.get(i).count(LabelCap.clip(surveyDimension(s, rules.config.dimensions().get(i))), delta);
    }
  }

  /** A ticket's capped labels of its raw dimension values. */
  private List<String> labels(List<String> raw) {
    List<String> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      out.add(caps.get(i).label(raw.get(i)));
    }
    return List.copyOf(out);
  }

  /** A survey's own capped labels: null where it gives none. */
  private List<String> ownLabels(SurveyResponse s) {
    List<String> own = new ArrayList<>();
    for (int i = 0; i < rules.config.dimensions().size(); i++) {
      String v = surveyDimension(s, rules.config.dimensions().get(i));
      own.add(v == null ? null : caps.get(i).admit(v));
    }
    return own;
  }

  /** Gives a ticket the shared combination of {@code dims}. */
  private void setCombo(TicketFacts f, List<String> dims) {
    Combo c = combo(dims);
    if (f.combo != c) { // else unchanged: no stores (see recycle)
      f.dims = c.values;
      f.dimIndex = c.index;
      f.combo = c;
    }
  }

  /**
   * While {@link #rebuildLabels} runs: the combinations (and surveys' own ones) from before, by
   * values, to reuse; else null.
   */
  private Map<List<String>, Combo> recycled;

  private Map<List<String>, Combo> recycledOwn;

  /**
   * The combination of {@code values} from before {@link #rebuildLabels}, with its new index and
   * id, or null. Reused so that a ticket or survey keeping its combination is not written to: at
   * the end of a load most records are in the old generation, and giving each of 1M tickets a new
   * combination object cost G1 a card mark per ticket, refined and then scanned again by the next
   * young collection (1.1M cards, about 100 ms of each pause in the first refresh at 1M tickets).
   */
  private static Combo recycle(
      Map<List<String>, Combo> from, List<String> values, int[] index, int id) {
    Combo old = from == null ? null : from.remove(values);
    if (old == null || old.index.length != index.length) {
      return null;
    }
    System.arraycopy(index, 0, old.index, 0, index.length);
    old.id = id;
    return old;
  }

  /**
   * Recomputes which values keep their own label ({@link LabelCap#rank()}) from the records kept
   * now, and relabels the tickets and surveys when that changed. Called at each refresh.
   */
  boolean rankLabels() {
    boolean changed = false;
    for (LabelCap c : caps) {
      changed |= c.rank();
    }
    if (changed) {
      if (windows != null) {
        windows.invalidate(); // records move to other labels: the next refresh rebuilds
      }
      for (TicketFacts f : tickets.values()) {
        List<String> dims = labels(f.rawDims);
        if (!dims.equals(f.dims)) {
          setCombo(f, dims);
        }
      }
      for (SurveyFacts f : surveys.values()) {
        List<String> own = ownLabels(f.survey);
        if (!own.equals(f.own.values)) {
          f.own = ownCombo(own);
        }
      }
    }
    return changed;
  }

  /**
   * Ranks the labels and rebuilds every combination and value dictionary from the records kept, so
   * a state just loaded reports only the labels of the ranked set, never those the load order
   * admitted on the way. Only for a state not yet drained ({@link KpiEngine#load}).
   */
  void rebuildLabels() {
    recycled = new HashMap<>(combos);
    recycledOwn = new HashMap<>(surveyDims);
    try {
      relabel();
    } finally {
      recycled = null;
      recycledOwn = null;
    }
  }

  private void relabel() {
    for (LabelCap c : caps) {
      c.rank();
    }
    combos.clear();
    comboById.clear();
    newCombos.clear();
    surveyDims.clear();
    budget.clear();
    for (int i = 0; i < dimValues.size(); i++) {
      dimValues.get(i).clear();
      dimIndex.get(i).clear();
    }
    // the series budget admits the combinations carried by most tickets first (ties by values),
    // so which ones fold depends on the records kept, not on the order they were read in
    Map<List<String>, Integer> carried = new HashMap<>();
    for (TicketFacts f : tickets.values()) {
      carried.merge(labels(f.rawDims), 1, Integer::sum);
    }
    List<Map.Entry<List<String>, Integer>> order = new ArrayList<>(carried.entrySet());
    order.sort(
        Map.Entry.<List<String>, Integer>comparingByValue()
            .reversed()
            .thenComparing(e -> String.join("\u0000", e.getKey())));
    for (Map.Entry<List<String>, Integer> e : order) {
      combo(e.getKey());
    }
    for (TicketFacts f : tickets.values()) {
      setCombo(f, labels(f.rawDims));
    }
    for (SurveyFacts f : surveys.values()) {
      Combo own = ownCombo(ownLabels(f.survey));
      if (f.own != own) {
        f.own = own;
      }
    }
  }

  /** Counts ({@code delta} 1) or uncounts (-1) a ticket's tags in the tag frequencies, once. */
  private void countTags(TicketFacts f, boolean counted) {
    if (tags != null && f.tagsCounted != counted) {
      tags.count(f.tags, counted ? 1 : -1);
      f.tagsCounted = counted;
    }
  }

  /** A ticket's {@code tag} label values (empty without {@code kpi.tags}). */
  List<String> tagNames(TicketFacts f) {
    return tags == null ? List.of() : tags.names(f.tags);
  }

  /** Negative durations left out of the KPIs since this state was built (see TicketFacts). */
  long negativeDurations;

  /** Distinct assignees seen (agent indexes are below this). */
  int agentCount() {
    return agents.size();
  }

  /**
   * Applies stored changes. When {@code live}, returns the transitions they make; history read
   * during a backfill or at start-up returns none, so counters never replay history.
   */
  List<Transition> apply(List<Change> changes, boolean live, Instant now) {
    List<Transition> out = new ArrayList<>();
    for (Change c : changes) {
      Record after = c.after();
      Record before = c.before() instanceof io.cxexporter.model.Deleted ? null : c.before();
      if (after instanceof Ticket t) {
        ticket(t, before instanceof Ticket bt ? bt : null, live, now, out);
      } else if (after instanceof SurveyResponse s) {
        survey(c.stream(), s, live && before == null, out);
      } else if (after instanceof Customer cu) {
        customers.put(cu.id(), cu);
      } else if (after instanceof Deal d) {
        deal(d, live, out);
      } else if (after instanceof SlaEvent e) {
        slaEvents.computeIfAbsent(e.ticketId(), k -> new HashMap<>()).put(e.id(), e);
        refreshSla(e.ticketId(), live, now, out);
      } else {
        delete(c, live, now, out);
      }
    }
    return out;
  }

  /**
   * Indexes a new version. {@code prev} is the stored previous version (the KPI engine may have
   * pruned its own copy), so transitions never mistake an old ticket for a new one.
   */
  private void ticket(Ticket t, Ticket prev, boolean live, Instant now, List<Transition> out) {
    t = shared(t);
    TicketFacts old = tickets.get(t.id());
    removeTicket(old);
    TicketFacts f = rules.facts(withVendorSla(t), caps);
    f.raw = t;
    negativeDurations += f.negativeDurations;
    vendorSla |= !f.ticket.sla().isEmpty();
    canonical(f);
    tickets.put(t.id(), f);
    index(f, old);
    if (old != null) {
      f.breachCounted = old.breachCounted;
    } else if (prev != null) {
      TicketFacts pf = rules.facts(withVendorSla(prev), caps);
      for (SlaTarget target : SlaTarget.values()) {
        if (pf.outcome(target, now) == TicketFacts.Outcome.BREACHED) {
          f.breachCounted |= 1 << target.ordinal();
        }
      }
    }
    if (live) {
      transitions(prev, f, out);
    }
    breaches(f, now, live, out);
  }

  /** Puts new facts in the table, in the slot of the version they replace if any. */
  private void index(TicketFacts f, TicketFacts old) {
    if (old != null) {
      if (windows != null) {
        windows.ticketOut(old);
      }
      countTags(old, false);
      countDims(old, false);
    }
    countTags(f, true);
    countDims(f, true);
    if (old != null && old.slot >= 0) {
      f.slot = old.slot;
      old.slot = -1;
      ticketTable.set(f.slot, f);
    } else {
      f.slot = ticketTable.add(f);
      ticketsAdded++;
    }
    if (f.open) {
      open.add(f.ticket.id());
    }
    if (f.solvedMillis != TicketFacts.NO_TIME) {
      minSolvedMillis = Math.min(minSolvedMillis, f.solvedMillis);
    }
    if (windows != null) {
      windows.ticketIn(f);
    }
  }

  /**
   * The ticket with the SLA status folded from its vendor SLA events, when it carries none of its
   * own.
   */
  private Ticket withVendorSla(Ticket t) {
    Map<String, SlaEvent> events = slaEvents.get(t.id());
    if (!t.sla().isEmpty() || events == null || events.isEmpty()) {
      return t;
    }
    List<SlaStatus> sla = VendorSla.fold(events.values(), t.createdAt(), rules.calendar);
    return sla.isEmpty() ? t : t.toBuilder().sla(sla).build();
  }

  /** Re-derives a ticket's SLA facts after its vendor SLA events changed. */
  private void refreshSla(String ticketId, boolean live, Instant now, List<Transition> out) {
    TicketFacts old = tickets.get(ticketId);
    if (old == null) {
      return;
    }
    TicketFacts f = rules.facts(withVendorSla(old.raw), caps);
    f.raw = old.raw;
    vendorSla |= !f.ticket.sla().isEmpty();
    f.breachCounted = old.breachCounted;
    canonical(f);
    tickets.put(ticketId, f);
    index(f, old);
    breaches(f, now, live, out);
  }

  /** Marks each newly breached target of a ticket once; reports it when {@code live}. */
  private void breaches(TicketFacts f, Instant now, boolean live, List<Transition> out) {
    for (SlaTarget target : SlaTarget.values()) {
      int bit = 1 << target.ordinal();
      if ((f.breachCounted & bit) == 0 && f.outcome(target, now) == TicketFacts.Outcome.BREACHED) {
        f.breachCounted |= bit;
        if (live) {
          out.add(transition(Transition.Type.SLA_BREACH, f, target.label()));
        }
      }
    }
  }

  private void transitions(Ticket before, TicketFacts f, List<Transition> out) {
    Ticket t = f.ticket;
    if (before == null) {
      out.add(transition(Transition.Type.CREATED, f, null));
    }
    if (t.firstReplyAt() != null && (before == null || before.firstReplyAt() == null)) {
      out.add(
          new Transition(
              Transition.Type.FIRST_REPLY,
              source,
              f.dims,
              f.firstReplyCal,
              f.firstReplyBus,
              null,
              null,
              tagNames(f)));
    }
    boolean wasSolved = before != null && !before.isOpen();
    int reopenDelta = before == null ? 0 : Math.max(0, t.reopens() - before.reopens());
    if (wasSolved && t.isOpen()) {
      reopenDelta = Math.max(1, reopenDelta);
    }
    for (int i = 0; i < reopenDelta; i++) {
      out.add(transition(Transition.Type.REOPENED, f, null));
    }
    boolean resolvedAgain =
        wasSolved
            && !t.isOpen()
            && reopenDelta > 0
            && !java.util.Objects.equals(t.solvedAt(), before.solvedAt());
    if (!t.isOpen() && t.solvedAt() != null && (!wasSolved || resolvedAgain)) {
      out.add(
          new Transition(
              Transition.Type.SOLVED,
              source,
              f.dims,
              f.resolutionCal,
              f.resolutionBus,
              null,
              null,
              tagNames(f)));
    }
    if (t.escalated() && (before == null || !before.escalated())) {
      out.add(transition(Transition.Type.ESCALATED, f, null));
    }
  }

  private Transition transition(Transition.Type type, TicketFacts f, String detail) {
    return new Transition(type, source, f.dims, Double.NaN, Double.NaN, detail, null, tagNames(f));
  }

  private void survey(String stream, SurveyResponse s, boolean isNew, List<Transition> out) {
    String key = stream + "/" + s.id();
    SurveyFacts old = surveys.remove(key);
    if (old != null) {
      countSurvey(old.survey, -1);
    }
    countSurvey(s, 1);
    SurveyFacts f = new SurveyFacts(key, s, ownCombo(ownLabels(s)));
    surveys.put(key, f);
    if (old != null) {
      if (windows != null) {
        windows.surveyOut(old);
      }
      f.slot = old.slot;
      surveyTable.set(f.slot, f);
    } else {
      f.slot = surveyTable.add(f);
    }
    if (windows != null) {
      windows.surveyIn(f);
    }
    minRespondedMillis = Math.min(minRespondedMillis, f.respondedMillis);
    List<String> ks = List.of(s.kind().label(), s.scoreLabel());
    if (surveyScores.add(ks)) {
      newSurveyScores.add(ks);
    }
    if (isNew) {
      out.add(
          new Transition(
              Transition.Type.SURVEY,
              source,
              dims(f),
              Double.NaN,
              Double.NaN,
              s.kind().label(),
              s.scoreLabel()));
    }
  }

  /** The shared instance of a survey's own dimension values; index -1 where it gives none. */
  private Combo ownCombo(List<String> own) {
    Combo c = surveyDims.get(own);
    if (c == null) {
      int[] index = new int[own.size()];
      for (int i = 0; i < own.size(); i++) {
        index[i] = own.get(i) == null ? -1 : valueIndex(i, own.get(i));
      }
      c = recycle(recycledOwn, own, index, surveyDims.size());
      if (c == null) {
        c = new Combo(java.util.Collections.unmodifiableList(own), index, surveyDims.size());
      }
      surveyDims.put(own, c);
    }
    return c;
  }

  /** The current facts of a survey's ticket, or null; remembered between refreshes. */
  TicketFacts ticketOf(SurveyFacts f) {
    String id = f.survey.ticketId();
    if (id == null) {
      return null;
    }
    int slot = f.ticketSlot;
    if (slot >= 0
        ? ticketTable.frees(slot) == f.ticketSlotFrees // a new version takes the slot of the old
        : f.missedAt == ticketsAdded) {
      return slot >= 0 ? ticketTable.items()[slot] : null;
    }
    TicketFacts t = tickets.get(id);
    boolean inTable = t != null && t.slot >= 0;
    f.ticketSlot = inTable ? t.slot : -1;
    f.ticketSlotFrees = inTable ? ticketTable.frees(t.slot) : 0;
    f.missedAt = t == null ? ticketsAdded : -1; // else (not in the table) looked up again
    return t;
  }

  /** The survey's dimension values: its own where given, else its ticket's, else none. */
  List<String> dims(SurveyFacts f) {
    TicketFacts t = f.survey().ticketId() == null ? null : tickets.get(f.survey().ticketId());
    List<String> out = new ArrayList<>(f.ownDims().size());
    for (int i = 0; i < f.ownDims().size(); i++) {
      String v = f.ownDims().get(i);
      out.add(v != null ? v : t != null ? t.dims.get(i) : LabelCap.NONE);
    }
    return out;
  }

  private static String surveyDimension(SurveyResponse s, String dim) {
    return switch (dim) {
      case "group" -> s.group();
      case "priority" -> s.priority() == null ? null : s.priority().label();
      case "channel" -> s.channel();
      default -> null;
    };
  }

  private void deal(Deal d, boolean live, List<Transition> out) {
    Deal old = deals.put(d.id(), d);
    newDeals |= deals.size() == 1 && old == null;
    if (live && d.stage() != DealStage.OPEN && (old == null || old.stage() == DealStage.OPEN)) {
      String outcome = d.stage() == DealStage.WON ? "won" : "lost";
      out.add(
          new Transition(
              Transition.Type.DEAL_CLOSED,
              source,
              List.of(),
              Double.NaN,
              Double.NaN,
              outcome,
              null));
    }
    if (old != null) {
      dealsClosed.remove(old.closedAt(), old.id());
    }
    if (d.stage() != DealStage.OPEN) {
      dealsClosed.add(d.closedAt(), d.id());
    }
  }

  private void delete(Change c, boolean live, Instant now, List<Transition> out) {
    Record before = c.before();
    if (before instanceof Ticket t) {
      removeTicket(tickets.remove(t.id()));
    } else if (before instanceof SurveyResponse s) {
      SurveyFacts f = surveys.get(c.stream() + "/" + s.id());
      if (f != null) {
        dropSurvey(f);
      }
    } else if (before instanceof Customer cu) {
      customers.remove(cu.id());
    } else if (before instanceof Deal d) {
      deals.remove(d.id());
      dealsClosed.remove(d.closedAt(), d.id());
    } else if (before instanceof SlaEvent e) {
      Map<String, SlaEvent> events = slaEvents.get(e.ticketId());
      if (events != null) {
        events.remove(e.id());
        if (events.isEmpty()) {
          slaEvents.remove(e.ticketId());
        }
      }
      refreshSla(e.ticketId(), live, now, out);
    }
  }

  /** Forgets a survey: its key, its windows, its label counts, its slot. */
  private void dropSurvey(SurveyFacts f) {
    surveys.remove(f.key);
    if (windows != null) {
      windows.surveyOut(f);
    }
    countSurvey(f.survey, -1);
    surveyTable.remove(f.slot);
  }

  private void removeTicket(TicketFacts f) {
    if (f == null) {
      return;
    }
    if (windows != null) {
      windows.ticketOut(f);
    }
    open.remove(f.ticket.id());
    countTags(f, false);
    countDims(f, false);
    if (f.slot >= 0) {
      ticketTable.remove(f.slot);
      f.slot = -1;
    }
    if (windows != null) {
      windows.ticketGone(f.ticket.id());
    }
  }

  /**
   * Counts SLA breaches that happen by time passing (an open ticket whose due time went by). Only
   * called live.
   */
  List<Transition> tick(Instant now) {
    List<Transition> out = new ArrayList<>();
    if (windows != null && windows.synced() && lastTick != null && !now.isBefore(lastTick)) {
      // only a due time passing breaches by time alone: read the due times since the last tick
      for (TicketFacts f : windows.dueIn(lastTick, now)) {
        breaches(f, now, true, out);
      }
    } else {
      for (String id : open) {
        breaches(tickets.get(id), now, true, out);
      }
    }
    lastTick = now;
    return out;
  }

  /** The time of the last {@link #tick}, or null. */
  private Instant lastTick;

  /**
   * Forgets what no window can reach any more: tickets solved before {@code cutoff} (and still
   * solved), surveys answered and deals closed before it. The store keeps them.
   */
  void prune(Instant cutoff) {
    long c = cutoff.toEpochMilli();
    if (windows != null && windows.synced()) {
      pruneIndexed(cutoff, c);
      return;
    }
    if (c >= minSolvedMillis) {
      long min = Long.MAX_VALUE;
      TicketFacts[] items = ticketTable.items();
      for (int i = 0, n = ticketTable.limit(); i < n; i++) {
        TicketFacts f = items[i];
        if (f == null || f.solvedMillis == TicketFacts.NO_TIME) {
          continue;
        }
        if (f.solvedMillis <= c) {
          String id = f.ticket.id();
          removeTicket(tickets.remove(id));
          slaEvents.remove(id);
        } else {
          min = Math.min(min, f.solvedMillis);
        }
      }
      minSolvedMillis = min;
    }
    pruneSlaEvents(cutoff);
    if (c >= minRespondedMillis) {
      long min = Long.MAX_VALUE;
      SurveyFacts[] items = surveyTable.items();
      for (int i = 0, n = surveyTable.limit(); i < n; i++) {
        SurveyFacts f = items[i];
        if (f == null) {
          continue;
        }
        if (f.respondedMillis <= c) {
          dropSurvey(f);
        } else {
          min = Math.min(min, f.respondedMillis);
        }
      }
      minRespondedMillis = min;
    }
    pruneDeals(cutoff);
  }

  /** Forgets SLA events older than the cutoff whose ticket the engine does not hold. */
  private void pruneSlaEvents(Instant cutoff) {
    slaEvents
        .entrySet()
        .removeIf(
            e ->
                !tickets.containsKey(e.getKey())
                    && e.getValue().values().stream().allMatch(ev -> ev.at().isBefore(cutoff)));
  }

  private void pruneDeals(Instant cutoff) {
    for (String id : dealsClosed.before(cutoff)) {
      Deal d = deals.remove(id);
      if (d != null) {
        dealsClosed.remove(d.closedAt(), id);
      }
    }
  }

  /**
   * {@link #prune} on the incremental windows' time index: reads only the solve and response times
   * up to {@code cutoff} not read before, not every record.
   */
  private void pruneIndexed(Instant cutoff, long c) {
    List<String> ticketIds = new ArrayList<>();
    List<String> surveyKeys = new ArrayList<>();
    windows.prunable(c, ticketIds, surveyKeys);
    for (String id : ticketIds) {
      TicketFacts f = tickets.get(id);
      if (f != null && f.solvedMillis != TicketFacts.NO_TIME && f.solvedMillis <= c) {
        removeTicket(tickets.remove(id));
        slaEvents.remove(id);
      }
    }
    pruneSlaEvents(cutoff);
    for (String key : surveyKeys) {
      SurveyFacts f = surveys.get(key);
      if (f != null && f.respondedMillis <= c) {
        dropSurvey(f);
      }
    }
    pruneDeals(cutoff);
  }
}
