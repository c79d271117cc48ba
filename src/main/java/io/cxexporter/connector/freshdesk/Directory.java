package io.cxexporter.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.NameDirectory;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.HttpUrl;

/**
 * Names for ids: groups ({@code /api/v2/groups}), agents ({@code /api/v2/agents}, the contact's
 * name) and the labels of the ticket status field ({@code
 * /api/v2/ticket_fields?type=default_status} choices, custom statuses included). Each is a list
 * read whole (Link-paged, 100 a page), cached and refreshed in the background; a failed or
 * forbidden lookup leaves the id as the name, never fails the ticket page, and is tried again (at
 * most once a minute) when an unknown id shows up.
 */
final class Directory {
  static final String GROUPS = "groups";
  static final String AGENTS = "agents";
  static final String TICKET_FIELDS = "ticket_fields";

  private final ApiClient api;
  private final HttpUrl base;
  private final NameDirectory groups;
  private final NameDirectory agents;
  private final NameDirectory statuses;

  Directory(ApiClient api, HttpUrl base, Clock clock, RequestListener failures) {
    this.api = api;
    this.base = base;
    this.groups =
        NameDirectory.listed(GROUPS, this::loadGroups, Duration.ofHours(1), clock, failures);
    this.agents =
        NameDirectory.listed(AGENTS, this::loadAgents, Duration.ofHours(1), clock, failures);
    this.statuses =
        NameDirectory.listed(
            "ticket_statuses", this::loadStatuses, Duration.ofHours(1), clock, failures);
  }

  /** The group's name, or its id while unknown. */
  String group(long id) {
    return groups.name(Long.toString(id));
  }

  /** The agent's name, or the id while unknown. */
  String agent(long id) {
    return agents.name(Long.toString(id));
  }

  /** The label of status {@code code} (e.g. a custom status 6), or the code while unknown. */
  String status(int code) {
    return statuses.name(Integer.toString(code));
  }

  private Map<String, String> loadGroups() throws ConnectorException {
    Map<String, String> out = new HashMap<>();
    list(GROUPS, "api/v2/groups", g -> out.put(g.path("id").asText(), g.path("name").asText()));
    return out;
  }

  private Map<String, String> loadAgents() throws ConnectorException {
    Map<String, String> out = new HashMap<>();
    list(
        AGENTS,
        "api/v2/agents",
        a -> out.put(a.path("id").asText(), a.path("contact").path("name").asText()));
    return out;
  }

  /**
   * The status field's choices: {@code {"2": ["Open", "Being Processed"], "6": ["Waiting on
   * Customer", "Awaiting your reply"]}} (the agent label first, then the customer's).
   */
  private Map<String, String> loadStatuses() throws ConnectorException {
    Map<String, String> out = new HashMap<>();
    HttpUrl url =
        base.newBuilder()
            .addPathSegments("api/v2/ticket_fields")
            .addQueryParameter("type", "default_status")
            .build();
    JsonNode fields = api.get(TICKET_FIELDS, url).body();
    if (!fields.isArray()) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from ticket_fields");
    }
    for (JsonNode f : fields) {
      if (!f.path("type").asText("default_status").equals("default_status")) {
        continue;
      }
      Iterator<Map.Entry<String, JsonNode>> it = f.path("choices").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> c = it.next();
        JsonNode v = c.getValue();
        String label = v.isArray() ? v.path(0).asText() : v.asText();
        if (!label.isEmpty()) {
          out.put(c.getKey(), label);
        }
      }
    }
    return out;
  }

  /** Reads a bare-array list whole, following {@code Link: rel="next"}. */
  private void list(String endpoint, String path, Consumer<JsonNode> each)
      throws ConnectorException {
    Paginator next = Paginator.linkHeader();
    Request first = Request.get(base, path).query("per_page", "100");
    Request request = first;
    while (true) {
      ApiResponse r = api.send(endpoint, request);
      if (!r.body().isArray()) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + endpoint);
      }
      r.body().forEach(each);
      Paginator.Step step = next.next(r);
      if (!step.more()) {
        return;
      }
      request = next.follow(first, step.token());
    }
  }
}
