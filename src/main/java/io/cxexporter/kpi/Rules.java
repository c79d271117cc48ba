package io.cxexporter.kpi;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.SlaPolicy;
import io.cxexporter.model.Priority;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The config-derived rules that turn a ticket version into {@link TicketFacts}. */
final class Rules {
  final KpiConfig config;
  final BusinessCalendar calendar;
  private final Map<Priority, SlaPolicy> sla = new EnumMap<>(Priority.class);

  /**
   * The {@code assignee} label value under {@code kpi.assignee_label: id} of a ticket whose
   * connector named its assignee but gave no id (a connector or a mapping without ids, or a ticket
   * stored before ids were kept). Not the name: id mode never shows a name.
   */
  static final String UNKNOWN_ASSIGNEE_ID = "unknown";

  /** Hashes assignee names for {@code kpi.assignee_label: hash}, else null. */
  private final AssigneeHash assigneeHash;

  /** True under {@code kpi.assignee_label: id}. */
  private final boolean assigneeById;

  Rules(KpiConfig config) {
    this.config = config;
    this.calendar =
        config.businessHours() == null ? null : BusinessCalendar.of(config.businessHours());
    for (SlaPolicy p : config.sla()) {
      sla.put(p.priority(), p);
    }
    this.assigneeHash =
        "hash".equals(config.assigneeLabel()) ? new AssigneeHash(config.assigneeHashKey()) : null;
    this.assigneeById = "id".equals(config.assigneeLabel());
  }

  TicketFacts facts(Ticket t, List<LabelCap> caps) {
    List<String> dims = new ArrayList<>(config.dimensions().size());
    List<String> raw = new ArrayList<>(config.dimensions().size());
    for (int i = 0; i < config.dimensions().size(); i++) {
      String dim = config.dimensions().get(i);
      String value = LabelCap.clip(dim.equals("assignee") ? assigneeLabel(t) : dimension(t, dim));
      raw.add(value);
      dims.add(caps.get(i).label(value));
    }
    double frCal = Double.NaN;
    double frBus = Double.NaN;
    if (t.firstReplyCalendar() != null) {
      frCal = t.firstReplyCalendar().toMillis() / 1000.0;
    } else if (t.firstReplyAt() != null) {
      frCal = seconds(t.createdAt(), t.firstReplyAt());
    }
    if (t.firstReplyBusiness() != null) {
      frBus = t.firstReplyBusiness().toMillis() / 1000.0;
    } else if (t.firstReplyAt() != null && calendar != null) {
      frBus = calendar.seconds(t.createdAt(), t.firstReplyAt());
    }
    double resCal = Double.NaN;
    double resBus = Double.NaN;
    if (!t.isOpen() && t.solvedAt() != null) {
      resCal =
          t.resolutionCalendar() != null
              ? t.resolutionCalendar().toMillis() / 1000.0
              : seconds(t.createdAt(), t.solvedAt());
      if (t.resolutionBusiness() != null) {
        resBus = t.resolutionBusiness().toMillis() / 1000.0;
      } else if (calendar != null) {
        resBus = calendar.seconds(t.createdAt(), t.solvedAt());
      }
    }
    TicketFacts f =
        new TicketFacts(
            t,
            List.copyOf(dims),
            frCal,
            frBus,
            resCal,
            resBus,
            due(t, SlaTarget.FIRST_RESPONSE),
            due(t, SlaTarget.RESOLUTION));
    f.rawDims = java.util.Collections.unmodifiableList(raw);
    return f;
  }

  /** The vendor's due time when it has SLA data for the target, else the configured policy's. */
  private Instant due(Ticket t, SlaTarget target) {
    SlaStatus vendor = t.sla(target);
    if (vendor != null) {
      return vendor.dueAt();
    }
    SlaPolicy p = t.priority() == null ? null : sla.get(t.priority());
    if (p == null) {
      return null;
    }
    Duration d = target == SlaTarget.FIRST_RESPONSE ? p.firstResponse() : p.resolution();
    if (d == null) {
      return null;
    }
    return p.businessHours() ? calendar.plus(t.createdAt(), d) : t.createdAt().plus(d);
  }

  /**
   * The {@code assignee} label value (before the {@code max_label_values} cap), null for none: the
   * name, its keyed hash, or the assignee's id with {@link #UNKNOWN_ASSIGNEE_ID} for a named
   * assignee without one.
   */
  String assigneeLabel(Ticket t) {
    if (assigneeById) {
      if (!blank(t.assigneeId())) {
        return t.assigneeId();
      }
      return blank(t.assignee()) ? null : UNKNOWN_ASSIGNEE_ID;
    }
    return assigneeHash != null ? assigneeHash.label(t.assignee()) : t.assignee();
  }

  /**
   * What tells the agents of solved per agent apart, null for none. Under {@code id} the id, so two
   * agents with the same name are two agents, and a named assignee without an id by its name (kept
   * apart from ids), so such agents are not merged into one; else the name. Never exported.
   */
  String agentKey(Ticket t) {
    if (!assigneeById) {
      return t.assignee();
    }
    if (!blank(t.assigneeId())) {
      return t.assigneeId();
    }
    return blank(t.assignee()) ? null : "\0name:" + t.assignee();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static String dimension(Ticket t, String dim) {
    return switch (dim) {
      case "group" -> t.group();
      case "priority" -> t.priority() == null ? null : t.priority().label();
      case "channel" -> t.channel();
      case "assignee" -> t.assignee();
      default -> throw new IllegalArgumentException("unknown dimension " + dim);
    };
  }

  private static double seconds(Instant a, Instant b) {
    return Math.max(0, Duration.between(a, b).toMillis() / 1000.0);
  }
}
