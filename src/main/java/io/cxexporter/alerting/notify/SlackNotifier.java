package io.cxexporter.alerting.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.TicketRef;
import io.cxexporter.config.Secret;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Posts a message to a Slack incoming webhook: {@code text} (the notification and fallback, one
 * summary line per alert) and {@code blocks} with, per alert, a headline, the value, condition,
 * threshold, source, group, severity and start, the tickets behind it with links, and links to the
 * status page and runbook.
 *
 * <pre>{@code
 * {"text": "[FIRING] CsatLow: CSAT is 81% (zendesk/Billing)",
 *  "blocks": [
 *    {"type": "section", "text": {"type": "mrkdwn", "text": ":red_circle: *[FIRING] CsatLow* ..."}},
 *    {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Value*\n81%"}, ...]},
 *    {"type": "section", "text": {"type": "mrkdwn", "text": "*Tickets*\n• <https://...|#123> ..."}},
 *    {"type": "context", "elements": [{"type": "mrkdwn", "text": "<http://...|Status page>"}]}]}
 * }</pre>
 *
 * <p>A batch of more than {@value #ALERTS_PER_MESSAGE} alerts goes out as several messages (Slack
 * takes at most 50 blocks per message).
 */
final class SlackNotifier extends PostingNotifier {
  static final int ALERTS_PER_MESSAGE = 10;
  private static final int MAX_SECTION = 2900;

  private final Secret webhookUrl;
  private final Clock clock;

  SlackNotifier(
      String name,
      Secret webhookUrl,
      Set<String> severities,
      Route route,
      JsonPoster poster,
      Clock clock) {
    super(name, "slack", severities, route, false, poster);
    this.webhookUrl = webhookUrl;
    this.clock = clock;
  }

  @Override
  public void send(List<Alert> alerts) throws DeliveryException {
    for (int i = 0; i < alerts.size(); i += ALERTS_PER_MESSAGE) {
      List<Alert> chunk = alerts.subList(i, Math.min(alerts.size(), i + ALERTS_PER_MESSAGE));
      poster.post(
          "slack notifier \"" + name() + "\"",
          webhookUrl.reveal(),
          body(chunk),
          Payloads.urlFragments(webhookUrl.reveal()));
    }
  }

  /** One message for up to {@link #ALERTS_PER_MESSAGE} alerts. */
  ObjectNode body(List<Alert> alerts) {
    Instant now = clock.instant();
    ObjectNode o = Payloads.JSON.createObjectNode();
    List<String> lines = new ArrayList<>();
    for (Alert a : alerts) {
      lines.add(status(a) + " " + Payloads.summaryLine(a));
    }
    o.put("text", String.join("\n", lines));
    ArrayNode blocks = o.putArray("blocks");
    for (Alert a : alerts) {
      if (!blocks.isEmpty()) {
        blocks.addObject().put("type", "divider");
      }
      addAlert(blocks, a, now);
    }
    return o;
  }

  private static String status(Alert a) {
    return a.firing() ? "[FIRING]" : "[RESOLVED]";
  }

  private static void addAlert(ArrayNode blocks, Alert a, Instant now) {
    String summary = a.annotations().getOrDefault("summary", "");
    String description = a.annotations().getOrDefault("description", "");
    StringBuilder head =
        new StringBuilder(icon(a))
            .append(" *")
            .append(status(a))
            .append(' ')
            .append(esc(a.name() == null ? "alert" : a.name()))
            .append('*');
    if (!summary.isBlank()) {
      head.append(" - ").append(esc(summary));
    }
    if (!description.isBlank()) {
      head.append('\n').append(esc(description));
    }
    section(blocks, head.toString());

    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    field(fields, "Value", Payloads.value(a));
    field(fields, "Condition", a.condition());
    field(fields, "Threshold", a.annotations().get("threshold"));
    field(fields, "Source", a.labels().get("source"));
    field(fields, "Group", a.labels().get("group"));
    field(fields, "Severity", a.severity());
    fields.addObject().put("type", "mrkdwn").put("text", "*Since*\n" + date(a.startsAt()));
    if (!a.firing()) {
      fields
          .addObject()
          .put("type", "mrkdwn")
          .put("text", "*Resolved*\n" + date(Payloads.endedAt(a, now)));
    }

    List<TicketRef> tickets = Payloads.tickets(a);
    if (!tickets.isEmpty()) {
      StringBuilder t = new StringBuilder("*Tickets*");
      for (TicketRef r : tickets) {
        String title = Payloads.ticketTitle(r, now);
        String id = "#" + r.id();
        String rest = title.substring(id.length());
        String line = "\n• " + (r.url() == null ? esc(id) : link(r.url(), id)) + esc(rest);
        if (t.length() + line.length() > MAX_SECTION) {
          break;
        }
        t.append(line);
      }
      section(blocks, t.toString());
    }

    List<String> links = new ArrayList<>();
    if (a.generatorUrl() != null) {
      links.add(link(a.generatorUrl(), "Status page"));
    }
    String runbook = a.annotations().get("runbook_url");
    if (runbook != null && !runbook.isBlank()) {
      links.add(link(runbook, "Runbook"));
    }
    if (!links.isEmpty()) {
      ArrayNode elements = blocks.addObject().put("type", "context").putArray("elements");
      elements.addObject().put("type", "mrkdwn").put("text", String.join(" | ", links));
    }
  }

  private static String icon(Alert a) {
    if (!a.firing()) {
      return ":white_check_mark:";
    }
    return switch (a.severity()) {
      case "critical" -> ":red_circle:";
      case "info" -> ":large_blue_circle:";
      default -> ":large_orange_circle:";
    };
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    String text = mrkdwn.length() > MAX_SECTION ? mrkdwn.substring(0, MAX_SECTION) : mrkdwn;
    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", text);
  }

  private static void field(ArrayNode fields, String title, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    String v = value.length() > 1900 ? value.substring(0, 1900) : value;
    fields.addObject().put("type", "mrkdwn").put("text", "*" + title + "*\n" + esc(v));
  }

  /** A time Slack shows in the reader's time zone; the fallback is UTC. */
  static String date(Instant t) {
    return "<!date^" + t.getEpochSecond() + "^{date_short_pretty} {time}|" + t + ">";
  }

  /** A Slack link {@code <url|text>}. */
  static String link(String url, String text) {
    return "<" + url.replace("|", "%7C").replace(">", "%3E") + "|" + esc(text) + ">";
  }

  /** Escapes Slack's control characters in mrkdwn text. */
  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public String toString() {
    return "SlackNotifier[" + name() + "]";
  }
}
