package io.cxexporter.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The latest known version of a support ticket (conversation, case, incident), vendor-neutral.
 *
 * <p>Vendor-computed durations ({@code firstReplyCalendar}, {@code firstReplyBusiness}, {@code
 * resolutionCalendar}, {@code resolutionBusiness}) win over durations derived from the timestamps;
 * leave them null when the vendor does not compute them. Build with {@link #builder(String)}:
 *
 * <pre>{@code
 * Ticket t = Ticket.builder("42").createdAt(created).updatedAt(updated)
 *     .status(TicketStatus.SOLVED).solvedAt(solved).group("Billing").build();
 * }</pre>
 *
 * @param assignee the assignee's display name, or null when unassigned
 * @param assigneeId the assignee's vendor id (the agent, responder, owner or admin id the name was
 *     looked up from), or null when unassigned or when the vendor gives none; stored rows written
 *     before the field existed load with null
 * @param requesterWaitCalendar the vendor's requester wait time of a solved ticket (the time the
 *     customer waited on the team, without the time waiting on the customer), or null where the
 *     vendor does not give it (never estimated)
 * @param requesterWaitBusiness the same in business hours, or null
 * @param agentReplies public agent replies so far, or null when unknown (FCR needs it)
 * @param escalated true when the ticket was escalated (to tier 2, a manager, engineering)
 * @param sla the vendor's own SLA data, empty when it has none
 */
public record Ticket(
    String id,
    Instant createdAt,
    Instant updatedAt,
    TicketStatus status,
    Priority priority,
    String channel,
    String group,
    String assignee,
    String assigneeId,
    String subject,
    Instant firstReplyAt,
    Duration firstReplyCalendar,
    Duration firstReplyBusiness,
    Instant solvedAt,
    Duration resolutionCalendar,
    Duration resolutionBusiness,
    Duration requesterWaitCalendar,
    Duration requesterWaitBusiness,
    int reopens,
    Integer agentReplies,
    boolean escalated,
    List<SlaStatus> sla,
    List<String> tags)
    implements Record {

  public Ticket {
    Checks.id(id, "id");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(status, "status: missing");
    Checks.time(createdAt, "createdAt");
    Checks.time(updatedAt, "updatedAt");
    Checks.time(firstReplyAt, "firstReplyAt");
    Checks.time(solvedAt, "solvedAt");
    Checks.duration(firstReplyCalendar, "firstReplyCalendar");
    Checks.duration(firstReplyBusiness, "firstReplyBusiness");
    Checks.duration(resolutionCalendar, "resolutionCalendar");
    Checks.duration(resolutionBusiness, "resolutionBusiness");
    Checks.duration(requesterWaitCalendar, "requesterWaitCalendar");
    Checks.duration(requesterWaitBusiness, "requesterWaitBusiness");
    sla = sla == null ? List.of() : List.copyOf(sla);
    tags = tags == null ? List.of() : List.copyOf(tags);
    if (reopens < 0) {
      throw new IllegalArgumentException("reopens < 0 for ticket " + id);
    }
  }

  /** True while the ticket is in the backlog. */
  public boolean isOpen() {
    return status.isOpen();
  }

  /** The vendor's SLA data for a target, or null. */
  public SlaStatus sla(SlaTarget target) {
    for (SlaStatus s : sla) {
      if (s.target() == target) {
        return s;
      }
    }
    return null;
  }

  /** A builder for a ticket with the given id. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** A builder prefilled with this ticket's values, to derive a newer version. */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    b.status = status;
    b.priority = priority;
    b.channel = channel;
    b.group = group;
    b.assignee = assignee;
    b.assigneeId = assigneeId;
    b.subject = subject;
    b.firstReplyAt = firstReplyAt;
    b.firstReplyCalendar = firstReplyCalendar;
    b.firstReplyBusiness = firstReplyBusiness;
    b.solvedAt = solvedAt;
    b.resolutionCalendar = resolutionCalendar;
    b.resolutionBusiness = resolutionBusiness;
    b.requesterWaitCalendar = requesterWaitCalendar;
    b.requesterWaitBusiness = requesterWaitBusiness;
    b.reopens = reopens;
    b.agentReplies = agentReplies;
    b.escalated = escalated;
    b.sla = sla;
    b.tags = tags;
    return b;
  }

  /** Builds a {@link Ticket}; {@code build()} checks the required fields. */
  public static final class Builder {
    private final String id;
    private Instant createdAt;
    private Instant updatedAt;
    private TicketStatus status = TicketStatus.NEW;
    private Priority priority;
    private String channel;
    private String group;
    private String assignee;
    private String assigneeId;
    private String subject;
    private Instant firstReplyAt;
    private Duration firstReplyCalendar;
    private Duration firstReplyBusiness;
    private Instant solvedAt;
    private Duration resolutionCalendar;
    private Duration resolutionBusiness;
    private Duration requesterWaitCalendar;
    private Duration requesterWaitBusiness;
    private int reopens;
    private Integer agentReplies;
    private boolean escalated;
    private List<SlaStatus> sla = List.of();
    private List<String> tags = List.of();

    private Builder(String id) {
      this.id = id;
    }

    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    public Builder status(TicketStatus v) {
      status = v;
      return this;
    }

    public Builder priority(Priority v) {
      priority = v;
      return this;
    }

    public Builder channel(String v) {
      channel = v;
      return this;
    }

    public Builder group(String v) {
      group = v;
      return this;
    }

    public Builder assignee(String v) {
      assignee = v;
      return this;
    }

    /** The assignee's vendor id (agent, responder, owner, admin), as text; null when unknown. */
    public Builder assigneeId(String v) {
      assigneeId = v;
      return this;
    }

    public Builder subject(String v) {
      subject = v;
      return this;
    }

    public Builder firstReplyAt(Instant v) {
      firstReplyAt = v;
      return this;
    }

    public Builder firstReplyCalendar(Duration v) {
      firstReplyCalendar = v;
      return this;
    }

    public Builder firstReplyBusiness(Duration v) {
      firstReplyBusiness = v;
      return this;
    }

    public Builder solvedAt(Instant v) {
      solvedAt = v;
      return this;
    }

    public Builder resolutionCalendar(Duration v) {
      resolutionCalendar = v;
      return this;
    }

    public Builder resolutionBusiness(Duration v) {
      resolutionBusiness = v;
      return this;
    }

    public Builder requesterWaitCalendar(Duration v) {
      requesterWaitCalendar = v;
      return this;
    }

    public Builder requesterWaitBusiness(Duration v) {
      requesterWaitBusiness = v;
      return this;
    }

    public Builder reopens(int v) {
      reopens = v;
      return this;
    }

    public Builder agentReplies(Integer v) {
      agentReplies = v;
      return this;
    }

    public Builder escalated(boolean v) {
      escalated = v;
      return this;
    }

    public Builder sla(List<SlaStatus> v) {
      sla = v;
      return this;
    }

    public Builder tags(List<String> v) {
      tags = v;
      return this;
    }

    /**
     * The ticket.
     *
     * @throws NullPointerException when id, createdAt, updatedAt or status is missing
     */
    public Ticket build() {
      return new Ticket(
          id,
          createdAt,
          updatedAt == null ? createdAt : updatedAt,
          status,
          priority,
          channel,
          group,
          assignee,
          assigneeId,
          subject,
          firstReplyAt,
          firstReplyCalendar,
          firstReplyBusiness,
          solvedAt,
          resolutionCalendar,
          resolutionBusiness,
          requesterWaitCalendar,
          requesterWaitBusiness,
          reopens,
          agentReplies,
          escalated,
          sla,
          tags);
    }
  }
}
