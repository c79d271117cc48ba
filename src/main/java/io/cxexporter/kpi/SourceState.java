package io.cxexporter.kpi;

import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.store.Change;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the KPI engine knows of one source: the latest version of each record, indexed by the
 * times that put records into windows. {@link #apply} keeps the indexes current with each change
 * and reports the transitions a live change makes.
 */
final class SourceState {
  final String source;
  private final Rules rules;
  final List<LabelCap> caps = new ArrayList<>();

  final Map<String, TicketFacts> tickets = new HashMap<>();
  final Set<String> open = new HashSet<>();
  final TimeIndex created = new TimeIndex();
  final TimeIndex firstReplied = new TimeIndex();
  final TimeIndex solved = new TimeIndex();

  /** Vendor SLA clock events by ticket id, then event id; a ticket may arrive before or after. */
  final Map<String, Map<String, SlaEvent>> slaEvents = new HashMap<>();

  /** Surveys keyed by "stream/id": two streams may reuse an id. */
  final Map<String, SurveyFacts> surveys = new HashMap<>();

  final Map<SurveyKind, TimeIndex> responded = new EnumMap<>(SurveyKind.class);
  final Map<String, Customer> customers = new HashMap<>();
  final Map<String, Deal> deals = new HashMap<>();
  final TimeIndex dealsClosed = new TimeIndex();

  /** Dimension combinations and survey kind/score pairs seen, and those not yet reported. */
  private final Set<List<String>> combos = new HashSet<>();

  private final Set<List<String>> surveyScores = new HashSet<>();
  final List<List<String>> newCombos = new ArrayList<>();
  final List<List<String>> newSurveyScores = new ArrayList<>();

  /** A survey with its own capped dimension values (null where it gives none). */
  record SurveyFacts(SurveyResponse survey, List<String> ownDims) {}

  SourceState(String source, Rules rules) {
    this.source = source;
    this.rules = rules;
    for (int i = 0; i < rules.config.dimensions().size(); i++) {
      caps.add(new LabelCap(rules.config.maxLabelValues()));
    }
    for (SurveyKind k : SurveyKind.values()) {
      responded.put(k, new TimeIndex());
    }
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
        deal(d);
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
    TicketFacts old = tickets.get(t.id());
    removeTicket(old);
    TicketFacts f = rules.facts(withVendorSla(t), caps);
    f.raw = t;
    tickets.put(t.id(), f);
    if (combos.add(f.dims)) {
      newCombos.add(f.dims);
    }
    created.add(t.createdAt(), t.id());
    firstReplied.add(t.firstReplyAt(), t.id());
    if (t.isOpen()) {
      open.add(t.id());
    } else {
      solved.add(t.solvedAt(), t.id());
    }
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
    f.breachCounted = old.breachCounted;
    tickets.put(ticketId, f);
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
              null));
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
        wasSolved && !t.isOpen() && reopenDelta > 0 && !t.solvedAt().equals(before.solvedAt());
    if (!t.isOpen() && t.solvedAt() != null && (!wasSolved || resolvedAgain)) {
      out.add(
          new Transition(
              Transition.Type.SOLVED,
              source,
              f.dims,
              f.resolutionCal,
              f.resolutionBus,
              null,
              null));
    }
    if (t.escalated() && (before == null || !before.escalated())) {
      out.add(transition(Transition.Type.ESCALATED, f, null));
    }
  }

  private Transition transition(Transition.Type type, TicketFacts f, String detail) {
    return new Transition(type, source, f.dims, Double.NaN, Double.NaN, detail, null);
  }

  private void survey(String stream, SurveyResponse s, boolean isNew, List<Transition> out) {
    String key = stream + "/" + s.id();
    SurveyFacts old = surveys.remove(key);
    if (old != null) {
      responded.get(old.survey().kind()).remove(old.survey().respondedAt(), key);
    }
    List<String> own = new ArrayList<>();
    for (int i = 0; i < rules.config.dimensions().size(); i++) {
      String v = surveyDimension(s, rules.config.dimensions().get(i));
      own.add(v == null ? null : caps.get(i).admit(v));
    }
    SurveyFacts f = new SurveyFacts(s, own);
    surveys.put(key, f);
    List<String> ks = List.of(s.kind().label(), s.scoreLabel());
    if (surveyScores.add(ks)) {
      newSurveyScores.add(ks);
    }
    responded.get(s.kind()).add(s.respondedAt(), key);
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

  private void deal(Deal d) {
    Deal old = deals.put(d.id(), d);
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
      SurveyFacts f = surveys.remove(c.stream() + "/" + s.id());
      if (f != null) {
        responded.get(s.kind()).remove(s.respondedAt(), c.stream() + "/" + s.id());
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

  private void removeTicket(TicketFacts f) {
    if (f == null) {
      return;
    }
    Ticket t = f.ticket;
    created.remove(t.createdAt(), t.id());
    firstReplied.remove(t.firstReplyAt(), t.id());
    solved.remove(t.solvedAt(), t.id());
    open.remove(t.id());
  }

  /**
   * Counts SLA breaches that happen by time passing (an open ticket whose due time went by). Only
   * called live.
   */
  List<Transition> tick(Instant now) {
    List<Transition> out = new ArrayList<>();
    for (String id : open) {
      breaches(tickets.get(id), now, true, out);
    }
    return out;
  }

  /**
   * Forgets what no window can reach any more: tickets solved before {@code cutoff} (and still
   * solved), surveys answered and deals closed before it. The store keeps them.
   */
  void prune(Instant cutoff) {
    for (String id : solved.before(cutoff)) {
      TicketFacts f = tickets.get(id);
      if (f != null && !f.ticket.isOpen()) {
        removeTicket(tickets.remove(id));
        slaEvents.remove(id);
      }
    }
    slaEvents
        .entrySet()
        .removeIf(
            e ->
                !tickets.containsKey(e.getKey())
                    && e.getValue().values().stream().allMatch(ev -> ev.at().isBefore(cutoff)));
    for (TimeIndex idx : responded.values()) {
      for (String key : idx.before(cutoff)) {
        SurveyFacts f = surveys.remove(key);
        if (f != null) {
          idx.remove(f.survey().respondedAt(), key);
        }
      }
    }
    for (String id : dealsClosed.before(cutoff)) {
      Deal d = deals.remove(id);
      if (d != null) {
        dealsClosed.remove(d.closedAt(), id);
      }
    }
  }
}
