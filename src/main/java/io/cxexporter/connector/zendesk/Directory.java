package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.NameDirectory;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;

/**
 * Group and agent names, so labels carry names, not ids, and whether the account has SLA policies.
 * Groups are listed whole ({@code /api/v2/groups}) and refreshed hourly; agents are fetched in
 * batches of up to 100 ({@code /api/v2/users/show_many}) and refreshed daily. Both are {@link
 * NameDirectory}s: a failed lookup leaves the id as the name and never fails the stream.
 */
final class Directory {
  /** The endpoint name of the SLA policy list; a 403 there means a plan without SLAs. */
  static final String SLA_POLICIES = "slas/policies";

  private final ApiClient api;
  private final HttpUrl base;
  private final NameDirectory groups;
  private final NameDirectory users;
  private final Cache<String, Boolean> slaPolicies =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(1)).build();
  private final RequestListener failures;
  private final AtomicBoolean slaLookupFailing = new AtomicBoolean();

  Directory(ApiClient api, HttpUrl base, Clock clock, RequestListener failures) {
    this.api = api;
    this.base = base;
    this.failures = failures;
    this.groups =
        NameDirectory.listed("groups", this::loadGroups, Duration.ofHours(1), clock, failures);
    this.users =
        NameDirectory.batched(
            "users", this::loadUsers, 100, Duration.ofDays(1), 50_000, clock, failures);
  }

  /** The group's name, or its id while unknown. */
  String group(long id) {
    return groups.name(Long.toString(id));
  }

  /** A cached user name, or the id. */
  String user(long id) {
    return users.name(Long.toString(id));
  }

  /** Makes sure the names of these users are cached (one request per 100 unknown ids). */
  void prefetchUsers(Collection<Long> ids) {
    List<String> s = new ArrayList<>(ids.size());
    ids.forEach(id -> s.add(Long.toString(id)));
    users.prefetch(s);
  }

  private Map<String, String> loadGroups() throws ConnectorException {
    Map<String, String> out = new HashMap<>();
    Paginator next = Paginator.nextUrl("/next_page");
    Request first = Request.get(base, "api/v2/groups.json");
    Request request = first;
    while (true) {
      ApiResponse r = api.send("groups", request);
      r.body().path("groups").forEach(g -> out.put(g.path("id").asText(), g.path("name").asText()));
      Paginator.Step step = next.next(r);
      if (!step.more()) {
        return out;
      }
      request = next.follow(first, step.token());
    }
  }

  private Map<String, String> loadUsers(List<String> ids) throws ConnectorException {
    HttpUrl url =
        base.newBuilder()
            .addPathSegments("api/v2/users/show_many.json")
            .addQueryParameter("ids", String.join(",", ids))
            .build();
    Map<String, String> out = new HashMap<>();
    for (JsonNode u : api.get("users/show_many", url).body().path("users")) {
      out.put(u.path("id").asText(), u.path("name").asText());
    }
    return out;
  }

  /**
   * Whether the account has any SLA policy ({@code /api/v2/slas/policies}, checked once an hour).
   * An account whose plan has no SLAs answers 403: that is "none", not an authorization problem.
   * Any other failure but a rejected token is a failed lookup: reported, not cached, and taken as
   * "some" so the SLA events are read regardless (a lookup never stops a stream).
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
                  SLA_POLICIES,
                  base.newBuilder().addPathSegments("api/v2/slas/policies.json").build())
              .body();
      JsonNode policies = body.path("sla_policies");
      if (!policies.isArray()) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from slas/policies");
      }
      any = policies.size() > 0;
    } catch (ConnectorException e) {
      if (e.kind() == ConnectorException.Kind.AUTH) {
        throw e; // a 401 is a rejected token, as for every other request
      }
      if (e.kind() != ConnectorException.Kind.FEATURE_UNAVAILABLE) {
        slaLookupFailing.set(true);
        failures.onLookupFailed(
            "sla_policies", e.kind().name().toLowerCase(Locale.ROOT), e.getMessage());
        return true;
      }
      any = false;
    }
    if (slaLookupFailing.compareAndSet(true, false)) {
      failures.onLookupRecovered("sla_policies");
    }
    slaPolicies.put("any", any);
    return any;
  }
}
