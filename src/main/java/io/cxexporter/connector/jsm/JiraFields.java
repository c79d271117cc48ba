package io.cxexporter.connector.jsm;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.NameDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The ids of the Jira Service Management custom fields the issue stream asks for, discovered once
 * from {@code GET /rest/api/3/field} by their schema type (and, for the two SLA fields, by name):
 * the SLA fields "Time to first response" and "Time to resolution" ({@code sd-sla-field}), the
 * request type (schema type {@code sd-customerrequesttype}, custom {@code vp-origin}), the
 * satisfaction rating ({@code sd-request-feedback}) and its date ({@code sd-request-feedback-date},
 * or the field named "Satisfaction date").
 *
 * <p>It is a {@link NameDirectory} from role to field id: a failed or forbidden lookup never blocks
 * the issue stream (the issues are read without these fields), is reported to the connector's
 * {@link RequestListener#onLookupFailed}, and is tried again at most once a minute. A role the site
 * does not have maps to the empty string, so a site without JSM's fields is not asked again and
 * again.
 */
final class JiraFields {
  static final String ENDPOINT = "field";
  static final String SLA_FIRST_RESPONSE = "sla_first_response";
  static final String SLA_RESOLUTION = "sla_resolution";
  static final String REQUEST_TYPE = "request_type";
  static final String SATISFACTION = "satisfaction";
  static final String SATISFACTION_DATE = "satisfaction_date";

  private static final String SD = "com.atlassian.servicedesk:";

  private final ApiClient api;
  private final HttpUrl base;
  private final NameDirectory roles;

  JiraFields(ApiClient api, HttpUrl base, Clock clock, RequestListener failures) {
    this.api = api;
    this.base = base;
    this.roles = NameDirectory.listed("fields", this::load, Duration.ofHours(6), clock, failures);
  }

  /** The field id of {@code role}, or null while unknown (lookup failed) or absent on the site. */
  String id(String role) {
    String id = roles.name(role);
    return id.isEmpty() || id.equals(role) ? null : id;
  }

  /**
   * Whether the site is known not to have {@code role}'s field: the field list was read and has
   * none (false while the list is not read yet or its lookup fails).
   */
  boolean absent(String role) {
    return roles.name(role).isEmpty();
  }

  private Map<String, String> load() throws ConnectorException {
    JsonNode list =
        api.get(ENDPOINT, base.newBuilder().addPathSegments("rest/api/3/field").build()).body();
    if (!list.isArray()) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected answer shape from " + ENDPOINT);
    }
    return roles(list);
  }

  /** Role → field id of a {@code /rest/api/3/field} answer; absent roles map to "". */
  static Map<String, String> roles(JsonNode list) {
    Map<String, String> out = new HashMap<>();
    for (String r :
        new String[] {
          SLA_FIRST_RESPONSE, SLA_RESOLUTION, REQUEST_TYPE, SATISFACTION, SATISFACTION_DATE
        }) {
      out.put(r, "");
    }
    for (JsonNode f : list) {
      String id = f.path("id").asText("");
      String name = f.path("name").asText("");
      String custom = f.path("schema").path("custom").asText("");
      String type = f.path("schema").path("type").asText("");
      if (id.isEmpty()) {
        continue;
      }
      if (custom.equals(SD + "sd-sla-field")) {
        if (name.equalsIgnoreCase("Time to first response")) {
          out.put(SLA_FIRST_RESPONSE, id);
        } else if (name.equalsIgnoreCase("Time to resolution")) {
          out.put(SLA_RESOLUTION, id);
        }
      } else if (type.equals("sd-customerrequesttype") || custom.equals(SD + "vp-origin")) {
        if (out.get(REQUEST_TYPE).isEmpty()) {
          out.put(REQUEST_TYPE, id);
        }
      } else if (custom.equals(SD + "sd-request-feedback")) {
        if (out.get(SATISFACTION).isEmpty()) {
          out.put(SATISFACTION, id);
        }
      } else if (custom.equals(SD + "sd-request-feedback-date")
          || (name.equalsIgnoreCase("Satisfaction date") && id.startsWith("customfield_"))) {
        if (out.get(SATISFACTION_DATE).isEmpty()) {
          out.put(SATISFACTION_DATE, id);
        }
      }
    }
    return out;
  }
}
