package io.cxexporter.connector.liveagent;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the status history ({@code GET /tickets/history}, one row per status period) says about each
 * ticket: the start of its first {@code A} (answered) period, and how often it went from {@code R}
 * (resolved) or {@code L} (closed) back to {@code C} (open: the customer wrote again), and, for a
 * solved ticket whose history is complete, how long the customer waited on the team ({@link
 * #requesterWait}). Rows are kept by their id, so a row read twice (the overlap, a per-ticket
 * re-read) counts once.
 *
 * <p>The book lives in memory. It knows every row from {@link #coveredFrom()} on (the start of the
 * first history pass this process read); a ticket created before that, or whose latest row does not
 * match its current status (its change came after the history was read), is not {@link #complete}
 * and is read alone ({@code GET /tickets/{id}/history}).
 */
final class HistoryBook {
  /** What the mapper needs about one ticket. */
  record Summary(Instant firstAnswer, int reopens, String lastStatus) {
    static final Summary NONE = new Summary(null, 0, null);
  }

  /** One ticket's rows: date_from → (row id → status, in the order read), in time order. */
  private final Map<String, TreeMap<Instant, Map<String, String>>> rows = new HashMap<>();

  /** Tickets read alone: complete whatever their creation time. */
  private final Set<String> readAlone = new HashSet<>();

  private Instant coveredFrom;

  /** Adds one history row; throws for a row without ticket, status or start. */
  void add(JsonNode row) {
    String ticket = LiveAgentMapper.text(row.path("conversation_id"));
    String status = LiveAgentMapper.text(row.path("status"));
    Instant from = LiveAgentMapper.time(row.path("date_from"));
    if (ticket == null || status == null || from == null) {
      throw new IllegalArgumentException(
          "history row without conversation_id, status or date_from");
    }
    String id = LiveAgentMapper.text(row.path("id"));
    synchronized (this) {
      rows.computeIfAbsent(ticket, k -> new TreeMap<>())
          .computeIfAbsent(from, k -> new LinkedHashMap<>())
          .put(id == null ? status : id, status);
    }
  }

  /** Notes that the pass starting at {@code since} is the first this process reads. */
  synchronized void coverFrom(Instant since) {
    if (coveredFrom == null) {
      coveredFrom = since;
    }
  }

  synchronized Instant coveredFrom() {
    return coveredFrom;
  }

  /** Notes that all rows of {@code ticket} were read ({@code /tickets/{id}/history}). */
  synchronized void readAlone(String ticket) {
    readAlone.add(ticket);
  }

  /**
   * Whether the book holds every row of a ticket created at {@code created} whose status is now
   * {@code status}.
   */
  synchronized boolean complete(String ticket, Instant created, String status) {
    boolean covered =
        readAlone.contains(ticket) || (coveredFrom != null && !created.isBefore(coveredFrom));
    return covered && status.equals(summary(ticket).lastStatus());
  }

  /** The ticket's first answer, reopens and latest status. */
  synchronized Summary summary(String ticket) {
    TreeMap<Instant, Map<String, String>> t = rows.get(ticket);
    if (t == null) {
      return Summary.NONE;
    }
    Instant firstAnswer = null;
    int reopens = 0;
    String previous = null;
    for (Map.Entry<Instant, Map<String, String>> e : t.entrySet()) {
      // rows of one second in the order LiveAgent listed them (date_from ascending)
      for (String status : e.getValue().values()) {
        if (status.equals("A") && firstAnswer == null) {
          firstAnswer = e.getKey();
        }
        if (status.equals("C") && ("R".equals(previous) || "L".equals(previous))) {
          reopens++;
        }
        previous = status;
      }
    }
    return new Summary(firstAnswer, reopens, previous);
  }

  /**
   * Whether the customer waits on the team while a ticket has status {@code letter}, as Zendesk's
   * requester wait counts (new, open and on-hold; not pending, not solved): {@code N} new, {@code
   * C} open, {@code T} chatting, {@code P} calling, {@code I} init and {@code W} postponed (on
   * hold) wait on the team; {@code A} answered (pending: the team waits on the customer), {@code R}
   * resolved and {@code L} closed do not. Null for {@code X} deleted, {@code B} spam and any other
   * letter: neither, so a history with such a period gives no wait at all.
   */
  static Boolean waitsOnTeam(String letter) {
    return switch (letter) {
      case "N", "C", "T", "P", "I", "W" -> Boolean.TRUE;
      case "A", "R", "L" -> Boolean.FALSE;
      default -> null;
    };
  }

  /**
   * The requester wait of a ticket created at {@code created} whose status is now {@code status}:
   * the sum of its status periods that wait on the team ({@link #waitsOnTeam}), each from its
   * {@code date_from} to the next period's, from creation to the latest solve (the periods after it
   * are {@code R}/{@code L}, which do not wait). Null unless the ticket is solved ({@code R} or
   * {@code L}) and the book holds its complete history ({@link #complete}), or when a period has a
   * status that is neither (deleted, spam): never estimated.
   */
  synchronized Duration requesterWait(String ticket, Instant created, String status) {
    if (!(status.equals("R") || status.equals("L")) || !complete(ticket, created, status)) {
      return null;
    }
    Duration wait = Duration.ZERO;
    Instant start = null;
    boolean waiting = false;
    for (Map.Entry<Instant, Map<String, String>> e : rows.get(ticket).entrySet()) {
      // rows of one second in the order LiveAgent listed them: all but the last last 0 s
      Instant from = e.getKey().isBefore(created) ? created : e.getKey();
      for (String letter : e.getValue().values()) {
        if (waiting) {
          wait = wait.plus(Duration.between(start, from));
        }
        Boolean w = waitsOnTeam(letter);
        if (w == null) {
          return null;
        }
        start = from;
        waiting = w;
      }
    }
    return wait; // the last period is the ticket's status, R or L: it does not wait
  }
}
