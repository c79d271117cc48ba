package io.cxexporter.alerting;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An open ticket with a running (or breached) SLA target, as a reminder rule sees it.
 *
 * @param labels {@code source} and the ticket's dimension labels ({@code group}, {@code priority},
 *     ...), what routes match on
 * @param ticket the ticket, with {@link TicketRef#dueAt()} set
 */
public record DueTicket(SortedMap<String, String> labels, TicketRef ticket) {
  public DueTicket {
    labels = new TreeMap<>(labels);
    if (ticket.dueAt() == null) {
      throw new IllegalArgumentException("ticket " + ticket.id() + " has no due time");
    }
  }

  /** A ticket of {@code source} with these dimension labels. */
  public static DueTicket of(String source, Map<String, String> dims, TicketRef ticket) {
    SortedMap<String, String> l = new TreeMap<>(dims);
    l.put("source", source);
    return new DueTicket(l, ticket);
  }
}
