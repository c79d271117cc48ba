package io.cxexporter.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.NameDirectory;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.model.DealStage;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * What HubSpot's ids mean: ticket and deal pipeline stages ({@code GET /crm/v3/pipelines/tickets},
 * {@code GET /crm/v3/pipelines/deals}, every pipeline with its stages in one answer) and owners
 * with their teams ({@code GET /crm/v3/owners}, paged by {@code after}). Each is a {@link
 * NameDirectory} list: read whole, cached, refreshed in the background after an hour; a failed
 * lookup is reported ({@code lookup/<name>}), never fails a page, and is tried again (at most once
 * a minute) when an unknown id shows up.
 *
 * <p>A stage is stored as {@code <state>|<label>} under {@code <pipeline>/<stage id>} (stage ids of
 * HubSpot's default pipelines, such as {@code 1} or {@code closedwon}, are only unique within a
 * pipeline). Owners, teams and each owner's primary team share one list, under {@code o:}, {@code
 * t:} and {@code p:} keys, so one request names all three.
 */
final class Directory {
  static final String OWNERS = "owners";
  static final String TICKET_PIPELINES = "pipelines/tickets";
  static final String DEAL_PIPELINES = "pipelines/deals";

  /** A pipeline stage: its label and what it means. */
  record Stage(String label, boolean closed, DealStage deal) {}

  private final ApiClient api;
  private final HttpUrl base;
  private final NameDirectory ticketStages;
  private final NameDirectory dealStages;
  private final NameDirectory owners;

  Directory(ApiClient api, HttpUrl base, Clock clock, RequestListener failures) {
    this.api = api;
    this.base = base;
    Duration hour = Duration.ofHours(1);
    this.ticketStages =
        NameDirectory.listed(
            TICKET_PIPELINES, () -> stages(TICKET_PIPELINES, false), hour, clock, failures);
    this.dealStages =
        NameDirectory.listed(
            DEAL_PIPELINES, () -> stages(DEAL_PIPELINES, true), hour, clock, failures);
    this.owners = NameDirectory.listed(OWNERS, this::loadOwners, hour, clock, failures);
  }

  /** The ticket stage, or null while its pipeline is unknown (not loaded, or the lookup failed). */
  Stage ticketStage(String pipeline, String stage) {
    return stage(ticketStages, pipeline, stage);
  }

  /** The deal stage, or null while its pipeline is unknown. */
  Stage dealStage(String pipeline, String stage) {
    return stage(dealStages, pipeline, stage);
  }

  /** The owner's name (first and last, else e-mail), or the id while unknown. */
  String owner(String id) {
    String key = "o:" + id;
    String v = owners.name(key);
    return v.equals(key) ? id : v;
  }

  /** The team's name, or the id while unknown. */
  String team(String id) {
    String key = "t:" + id;
    String v = owners.name(key);
    return v.equals(key) ? id : v;
  }

  /** The name of the owner's primary team, or null when it has none or the owner is unknown. */
  String ownerTeam(String ownerId) {
    String key = "p:" + ownerId;
    String v = owners.name(key);
    return v.equals(key) || v.isEmpty() ? null : v;
  }

  private static Stage stage(NameDirectory d, String pipeline, String stage) {
    String key = pipeline + "/" + stage;
    String v = d.name(key);
    int bar = v.indexOf('|');
    if (v.equals(key) || bar < 0) {
      return null;
    }
    String state = v.substring(0, bar);
    String label = v.substring(bar + 1);
    return switch (state) {
      case "WON" -> new Stage(label, true, DealStage.WON);
      case "LOST" -> new Stage(label, true, DealStage.LOST);
      case "CLOSED" -> new Stage(label, true, null);
      case "OPEN" -> new Stage(label, false, DealStage.OPEN);
      default -> null;
    };
  }

  /**
   * Every pipeline's stages. Tickets: {@code metadata.ticketState} OPEN or CLOSED. Deals: {@code
   * metadata.isClosed} ("true"/"false", strings), and of a closed stage {@code probability} 1.0
   * (won) or 0.0 (lost); a stage without {@code isClosed} is won at probability 1.0, lost at 0.0,
   * else open.
   */
  private Map<String, String> stages(String endpoint, boolean deals) throws ConnectorException {
    ApiResponse r = api.send(endpoint, Request.get(base, "crm/v3/" + endpoint));
    JsonNode results = r.body().path("results");
    if (!results.isArray()) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + endpoint);
    }
    Map<String, String> out = new HashMap<>();
    for (JsonNode p : results) {
      String pipeline = p.path("id").asText();
      for (JsonNode st : p.path("stages")) {
        JsonNode m = st.path("metadata");
        String state;
        if (deals) {
          String closed = m.path("isClosed").asText("");
          double probability = number(m.path("probability"), 0.5);
          if (closed.equalsIgnoreCase("true")) {
            state = probability >= 1.0 ? "WON" : "LOST";
          } else if (closed.equalsIgnoreCase("false")) {
            state = "OPEN";
          } else {
            state = probability >= 1.0 ? "WON" : probability <= 0.0 ? "LOST" : "OPEN";
          }
        } else {
          boolean closed =
              m.path("ticketState").asText("").equalsIgnoreCase("CLOSED")
                  || m.path("isClosed").asText("").equalsIgnoreCase("true");
          state = closed ? "CLOSED" : "OPEN";
        }
        out.put(pipeline + "/" + st.path("id").asText(), state + "|" + st.path("label").asText());
      }
    }
    return out;
  }

  private static double number(JsonNode n, double def) {
    try {
      return n.isNumber() ? n.asDouble() : Double.parseDouble(n.asText());
    } catch (NumberFormatException e) {
      return def;
    }
  }

  /** Owners (100 a page), their teams, and each owner's primary team ("" for none). */
  private Map<String, String> loadOwners() throws ConnectorException {
    Map<String, String> out = new HashMap<>();
    Paginator next = Paginator.token("/paging/next/after", "after");
    Request first = Request.get(base, "crm/v3/owners").query("limit", "100");
    Request request = first;
    while (true) {
      ApiResponse r = api.send(OWNERS, request);
      JsonNode results = r.body().path("results");
      if (!results.isArray()) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + OWNERS);
      }
      for (JsonNode o : results) {
        String id = o.path("id").asText();
        String name = (o.path("firstName").asText("") + " " + o.path("lastName").asText("")).trim();
        out.put("o:" + id, name.isEmpty() ? o.path("email").asText(id) : name);
        String primary = "";
        for (JsonNode t : o.path("teams")) {
          out.put("t:" + t.path("id").asText(), t.path("name").asText());
          if (primary.isEmpty() || t.path("primary").asBoolean(false)) {
            primary = t.path("name").asText();
          }
        }
        out.put("p:" + id, primary);
      }
      Paginator.Step step = next.next(r);
      if (!step.more()) {
        return out;
      }
      request = next.follow(first, step.token());
    }
  }
}
