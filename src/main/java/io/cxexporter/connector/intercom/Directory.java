package io.cxexporter.connector.intercom;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.NameDirectory;
import io.cxexporter.connector.http.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * Names for ids: teams ({@code GET /teams}, {@code team.list}) and admins ({@code GET /admins},
 * {@code admin.list}), each a list Intercom returns whole (no paging), cached and refreshed in the
 * background after an hour. A failed or forbidden lookup never fails the conversation page: the id
 * stands for the name, the failure goes to {@link RequestListener#onLookupFailed}, and the list is
 * asked again (at most once a minute) when an unknown id shows up.
 */
final class Directory {
  static final String TEAMS = "teams";
  static final String ADMINS = "admins";

  private final ApiClient api;
  private final HttpUrl base;
  private final String version;
  private final NameDirectory teams;
  private final NameDirectory admins;

  Directory(ApiClient api, HttpUrl base, String version, Clock clock, RequestListener failures) {
    this.api = api;
    this.base = base;
    this.version = version;
    this.teams =
        NameDirectory.listed(
            TEAMS, () -> load(TEAMS, "/teams"), Duration.ofHours(1), clock, failures);
    this.admins =
        NameDirectory.listed(
            ADMINS, () -> load(ADMINS, "/admins"), Duration.ofHours(1), clock, failures);
  }

  /** The team's name, or its id while unknown. */
  String team(String id) {
    return teams.name(id);
  }

  /** The admin's name, or the id while unknown. */
  String admin(String id) {
    return admins.name(id);
  }

  private Map<String, String> load(String endpoint, String items) throws ConnectorException {
    JsonNode body =
        api.send(endpoint, Request.get(base, endpoint).header(IntercomApi.VERSION, version)).body();
    JsonNode list = body.at(items);
    if (!list.isArray()) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + endpoint);
    }
    Map<String, String> out = new HashMap<>();
    for (JsonNode n : list) {
      String id = n.path("id").asText("");
      String name = n.path("name").asText("");
      if (!id.isEmpty() && !name.isEmpty()) {
        out.put(id, name);
      }
    }
    return out;
  }
}
