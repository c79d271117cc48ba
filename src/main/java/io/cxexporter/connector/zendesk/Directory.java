package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.Paginator;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;

/**
 * Group and agent names, so labels carry names, not ids. Groups are listed whole ({@code
 * /api/v2/groups}) and kept for an hour; agents are fetched in batches of up to 100 ({@code
 * /api/v2/users/show_many}) and kept for a day. A failed lookup leaves the id as the name.
 */
final class Directory {
  private final ApiClient api;
  private final HttpUrl base;
  private final Cache<String, Map<Long, String>> groups =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).build();
  private final Cache<String, Boolean> slaPolicies =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).build();
  private final Cache<Long, String> users =
      Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(Duration.ofDays(1)).build();

  Directory(ApiClient api, HttpUrl base) {
    this.api = api;
    this.base = base;
  }

  /** The group's name; the whole list is reloaded once when an id is unknown. */
  String group(long id) throws ConnectorException {
    Map<Long, String> all = groups.getIfPresent("all");
    if (all == null || !all.containsKey(id)) {
      all = loadGroups();
      groups.put("all", all);
    }
    return all.getOrDefault(id, Long.toString(id));
  }

  private Map<Long, String> loadGroups() throws ConnectorException {
    Map<Long, String> out = new java.util.HashMap<>();
    Paginator next = Paginator.nextUrl("/next_page");
    Optional<HttpUrl> url =
        Optional.of(base.newBuilder().addPathSegments("api/v2/groups.json").build());
    while (url.isPresent()) {
      ApiResponse r = api.get("groups", url.get());
      r.body().path("groups").forEach(g -> out.put(g.path("id").asLong(), g.path("name").asText()));
      url = next.next(r);
    }
    return out;
  }

  /**
   * Whether the account has any SLA policy ({@code /api/v2/slas/policies}, checked once an hour).
   * An account whose plan has no SLAs answers 403: that is "none", not an authorization problem.
   */
  boolean hasSlaPolicies() throws ConnectorException {
    Boolean known = slaPolicies.getIfPresent("any");
    if (known != null) {
      return known;
    }
    boolean any;
    try {
      JsonNode body =
          api.get(
                  "slas/policies",
                  base.newBuilder().addPathSegments("api/v2/slas/policies.json").build())
              .body();
      JsonNode policies = body.path("sla_policies");
      if (!policies.isArray()) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from slas/policies");
      }
      any = policies.size() > 0;
    } catch (ConnectorException e) {
      if (e.kind() != ConnectorException.Kind.FEATURE_UNAVAILABLE) {
        throw e; // a 401 is a rejected token, as for every other request
      }
      any = false;
    }
    slaPolicies.put("any", any);
    return any;
  }

  /** Makes sure the names of these users are cached (one request per 100 unknown ids). */
  void prefetchUsers(Collection<Long> ids) throws ConnectorException {
    TreeSet<Long> missing = new TreeSet<>();
    for (Long id : ids) {
      if (users.getIfPresent(id) == null) {
        missing.add(id);
      }
    }
    while (!missing.isEmpty()) {
      TreeSet<Long> batch = new TreeSet<>();
      while (!missing.isEmpty() && batch.size() < 100) {
        batch.add(missing.pollFirst());
      }
      HttpUrl url =
          base.newBuilder()
              .addPathSegments("api/v2/users/show_many.json")
              .addQueryParameter(
                  "ids", batch.stream().map(String::valueOf).collect(Collectors.joining(",")))
              .build();
      JsonNode body = api.get("users/show_many", url).body();
      for (JsonNode u : body.path("users")) {
        users.put(u.path("id").asLong(), u.path("name").asText());
        batch.remove(u.path("id").asLong());
      }
      for (Long unknown : batch) {
        users.put(unknown, Long.toString(unknown)); // deleted or not visible: keep the id
      }
    }
  }

  /** A cached user name, or the id. */
  String user(long id) {
    String n = users.getIfPresent(id);
    return n == null ? Long.toString(id) : n;
  }
}
