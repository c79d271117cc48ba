package io.cxexporter.connector.liveagent;

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
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * Names for ids: departments ({@code GET /departments}: {@code department_id}, {@code name}) and
 * agents ({@code GET /agents}: {@code id}, {@code name}), bare arrays paged by {@code _page}. Each
 * list is read whole, cached and refreshed in the background; a failed lookup leaves the id as the
 * name, never fails a ticket page, is reported through {@link RequestListener#onLookupFailed}, and
 * is tried again (at most once a minute) when an unknown id shows up.
 */
final class Directory implements LiveAgentMapper.Names {
  static final String DEPARTMENTS = "departments";
  static final String AGENTS = "agents";
  static final int PER_PAGE = 100;

  private final ApiClient api;
  private final HttpUrl base;
  private final NameDirectory departments;
  private final NameDirectory agents;

  Directory(ApiClient api, HttpUrl base, Clock clock, RequestListener failures) {
    this.api = api;
    this.base = base;
    this.departments =
        NameDirectory.listed(
            DEPARTMENTS,
            () -> list(DEPARTMENTS, "department_id"),
            Duration.ofHours(1),
            clock,
            failures);
    this.agents =
        NameDirectory.listed(
            AGENTS, () -> list(AGENTS, "id"), Duration.ofHours(1), clock, failures);
  }

  @Override
  public String department(String id) {
    return departments.name(id);
  }

  @Override
  public String agent(String id) {
    return agents.name(id);
  }

  /** Reads a bare-array list whole: {@code _page} until a short page. */
  private Map<String, String> list(String endpoint, String idField) throws ConnectorException {
    Map<String, String> out = new HashMap<>();
    Paginator next = Paginator.pageNumber("_page", "", PER_PAGE);
    Request first = Request.get(base, endpoint).query("_perPage", Integer.toString(PER_PAGE));
    Request request = first;
    while (true) {
      ApiResponse r = api.send(endpoint, request);
      if (!r.body().isArray()) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + endpoint);
      }
      for (JsonNode item : r.body()) {
        String id = LiveAgentMapper.text(item.path(idField));
        String name = LiveAgentMapper.text(item.path("name"));
        if (id != null && name != null) {
          out.put(id, name);
        }
      }
      Paginator.Step step = next.next(r);
      if (!step.more()) {
        return out;
      }
      request = next.follow(first, step.token());
    }
  }
}
