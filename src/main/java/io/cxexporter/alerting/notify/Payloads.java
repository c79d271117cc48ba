package io.cxexporter.alerting.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.TicketRef;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.HttpUrl;

/** What every payload shares: ticket lines and objects, durations, numbers, the summary line. */
final class Payloads {
  static final ObjectMapper JSON = new ObjectMapper();

  /** At most this many tickets per alert in any notification. */
  static final int MAX_TICKETS = 10;

  private static final int MAX_SUBJECT = 80;

  private Payloads() {}

  /** The tickets to show, most relevant first, at most {@link #MAX_TICKETS}. */
  static List<TicketRef> tickets(Alert a) {
    List<TicketRef> t = a.tickets();
    return t.size() > MAX_TICKETS ? t.subList(0, MAX_TICKETS) : t;
  }

  /**
   * One ticket as JSON: {@code {"id","subject","group","age":"3h 12m","ageSeconds":11520,
   * "dueAt":"2026-11-18T15:00:00Z","url"}}, nulls left out.
   */
  static ObjectNode ticketJson(TicketRef t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", t.id());
    putIfPresent(o, "subject", t.subject());
    putIfPresent(o, "group", t.group());
    if (t.age() != null) {
      o.put("age", duration(t.age()));
      o.put("ageSeconds", t.age().getSeconds());
    }
    if (t.dueAt() != null) {
      o.put("dueAt", t.dueAt().toString());
    }
    putIfPresent(o, "url", t.url());
    return o;
  }

  /** The alert's tickets as a JSON array. */
  static ArrayNode ticketsJson(Alert a) {
    ArrayNode arr = JSON.createArrayNode();
    tickets(a).forEach(t -> arr.add(ticketJson(t)));
    return arr;
  }

  /**
   * One ticket in words without its link: {@code #123 Printer on fire (Billing, open 3h 12m, due in
   * 45m)}.
   */
  static String ticketTitle(TicketRef t, Instant now) {
    StringBuilder b = new StringBuilder("#").append(t.id());
    if (t.subject() != null && !t.subject().isBlank()) {
      String s = t.subject().strip().replaceAll("\\s+", " ");
      b.append(' ').append(s.length() > MAX_SUBJECT ? s.substring(0, MAX_SUBJECT) + "..." : s);
    }
    List<String> info = new ArrayList<>();
    if (t.group() != null && !t.group().isBlank()) {
      info.add(t.group());
    }
    if (t.age() != null) {
      info.add("open " + duration(t.age()));
    }
    if (t.dueAt() != null) {
      Duration left = Duration.between(now, t.dueAt());
      info.add(
          left.isNegative() ? "overdue " + duration(left.negated()) : "due in " + duration(left));
    }
    if (!info.isEmpty()) {
      b.append(" (").append(String.join(", ", info)).append(')');
    }
    return b.toString();
  }

  /**
   * The alert's tickets as plain text, one per line: {@code #123 Printer on fire (Billing, open 3h
   * 12m) https://...}; empty when there are none.
   */
  static String ticketsText(Alert a, Instant now) {
    List<String> lines = new ArrayList<>();
    for (TicketRef t : tickets(a)) {
      String title = ticketTitle(t, now);
      lines.add(t.url() == null ? title : title + " " + t.url());
    }
    return String.join("\n", lines);
  }

  /** The annotations with the plain-text {@code tickets} annotation added when there are any. */
  static Map<String, String> annotationsWithTickets(Alert a, Instant now) {
    Map<String, String> m = new LinkedHashMap<>(new TreeMap<>(a.annotations()));
    String tickets = ticketsText(a, now);
    if (!tickets.isEmpty()) {
      m.put("tickets", tickets);
    }
    return m;
  }

  /**
   * The one-line summary: {@code CsatLow: CSAT is 81% (zendesk/Billing)}; the condition stands in
   * for a missing {@code summary} annotation.
   */
  static String summaryLine(Alert a) {
    String what = a.annotations().get("summary");
    if (what == null || what.isBlank()) {
      what = "value " + value(a) + (a.condition() == null ? "" : " (" + a.condition() + ")");
    }
    List<String> scope = new ArrayList<>();
    for (String k : List.of("source", "group")) {
      String v = a.labels().get(k);
      if (v != null && !v.isEmpty()) {
        scope.add(v);
      }
    }
    String name = a.name() == null ? "alert" : a.name();
    return name + ": " + what + (scope.isEmpty() ? "" : " (" + String.join("/", scope) + ")");
  }

  /** The KPI value as the rule formatted it (annotation {@code value}), else as a number. */
  static String value(Alert a) {
    String v = a.annotations().get("value");
    return v != null && !v.isBlank() ? v : number(a.value());
  }

  /** {@code 42}, {@code 0.913}, {@code 1234.5}: no exponent, at most 3 decimals. */
  static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return new BigDecimal(d).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  /** {@code 45s}, {@code 12m}, {@code 3h 12m}, {@code 2d 4h}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 24) {
      return h + "h" + (m % 60 == 0 ? "" : " " + m % 60 + "m");
    }
    return h / 24 + "d" + (h % 24 == 0 ? "" : " " + h % 24 + "h");
  }

  /** When the alert ended: its own {@code endsAt}, else now. */
  static Instant endedAt(Alert a, Instant now) {
    return a.endsAt() != null ? a.endsAt() : now;
  }

  /**
   * What to blank out of messages for a secret URL: the URL, path segments of 8 characters or more
   * and query values of 4 or more (tokens live there), encoded and decoded.
   */
  static List<String> urlFragments(String url) {
    List<String> out = new ArrayList<>();
    out.add(url);
    HttpUrl u = HttpUrl.parse(url);
    if (u != null) {
      for (int i = 0; i < u.pathSize(); i++) {
        addIfLong(out, u.encodedPathSegments().get(i), 8);
        addIfLong(out, u.pathSegments().get(i), 8);
      }
      for (int i = 0; i < u.querySize(); i++) {
        addIfLong(out, u.queryParameterValue(i), 4);
      }
      if (u.encodedQuery() != null) {
        for (String pair : u.encodedQuery().split("&")) {
          addIfLong(out, pair.substring(pair.indexOf('=') + 1), 4);
        }
      }
    }
    out.sort((x, y) -> y.length() - x.length()); // longest first, so parts do not split a whole
    return out;
  }

  private static void addIfLong(List<String> out, String s, int min) {
    if (s != null && s.length() >= min && !out.contains(s)) {
      out.add(s);
    }
  }

  static void putIfPresent(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
