package io.cxexporter.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Request;
import io.cxexporter.model.Cursor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Companies as customers, from the companies search: a customer from {@code
 * hs_lifecyclestage_customer_date}, churned on a date taken one of two ways.
 *
 * <ul>
 *   <li>With {@code churn_date_property}: that company property (a date or datetime), read with the
 *       search; no extra request.
 *   <li>Without it: when the company's {@code lifecyclestage} left {@code customer} (and {@code
 *       evangelist}). Search gives no history, so for the companies of a page that have a customer
 *       date and a stage that is no longer a customer's, and only those, one {@code POST
 *       /crm/v3/objects/companies/batch/read} with {@code propertiesWithHistory: [lifecyclestage]}
 *       (up to 100 ids) reads the stage's history: the churn is the first change away from customer
 *       after its last customer value (history without a customer value: its oldest change). That
 *       is at most ⌈limit ÷ 100⌉ extra requests per search page, none for pages without such
 *       companies. When that read fails the page fails (the cursor stays, the page is read again on
 *       the next try): a churned company is never stored as active.
 * </ul>
 */
final class CompaniesStream implements Stream {
  static final String HISTORY = "companies/batch/read";
  private static final int BATCH = 100;

  private final Search.Reading s;
  private final String churnProperty;
  private final PagedStream pages;

  /** The churn times of the page being read (history mode). */
  private final Map<String, Instant> leftAt = new HashMap<>();

  private ConnectorException historyFailed;

  CompaniesStream(Search.Reading s, String churnProperty, String mrrProperty) {
    this.s = s;
    this.churnProperty = churnProperty;
    List<String> properties =
        new ArrayList<>(
            List.of(
                "hs_lifecyclestage_customer_date",
                "lifecyclestage",
                "createdate",
                Search.MODIFIED));
    if (churnProperty != null) {
      properties.add(churnProperty);
    }
    if (mrrProperty != null && !properties.contains(mrrProperty)) {
      properties.add(mrrProperty);
    }
    this.pages =
        Search.builder(Search.COMPANIES, properties, s)
            .progress(false)
            .beforeMapping(churnProperty == null ? this::readHistory : items -> {})
            .mapper(c -> HubspotMapper.company(c, churn(c), mrrProperty))
            .build();
  }

  @Override
  public String name() {
    return Search.COMPANIES;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    leftAt.clear();
    historyFailed = null;
    Page p = pages.read(from);
    if (historyFailed != null) {
      throw historyFailed;
    }
    return p;
  }

  private Instant churn(JsonNode c) {
    if (churnProperty != null) {
      return HubspotMapper.instant(Search.property(c, churnProperty));
    }
    if (!HubspotMapper.leftCustomerStage(c)) {
      return null;
    }
    Instant t = leftAt.get(c.path("id").asText());
    if (t == null) {
      throw new IllegalArgumentException("left the customer stage, but no lifecyclestage history");
    }
    return t;
  }

  /** Reads the lifecycle history of the page's companies that left the customer stage. */
  private void readHistory(JsonNode items) {
    List<String> ids = new ArrayList<>();
    for (JsonNode c : items) {
      if (HubspotMapper.leftCustomerStage(c)) {
        ids.add(c.path("id").asText());
      }
    }
    try {
      for (int i = 0; i < ids.size(); i += BATCH) {
        batch(ids.subList(i, Math.min(ids.size(), i + BATCH)));
      }
    } catch (ConnectorException e) {
      historyFailed = e;
    }
  }

  private void batch(List<String> ids) throws ConnectorException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ids.forEach(id -> body.withArray("inputs").addObject().put("id", id));
    body.putArray("properties").add("lifecyclestage");
    body.putArray("propertiesWithHistory").add("lifecyclestage");
    ApiResponse r =
        s.api().send(HISTORY, Request.post(s.base(), "crm/v3/objects/companies/batch/read", body));
    JsonNode results = r.body().path("results");
    if (!results.isArray()) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + HISTORY);
    }
    for (JsonNode c : results) {
      Instant t = leftCustomer(c.path("propertiesWithHistory").path("lifecyclestage"));
      if (t != null) {
        leftAt.put(c.path("id").asText(), t);
      }
    }
  }

  /**
   * The first change away from a customer stage after the last customer value; without a customer
   * value in the history, its oldest change; null for an empty history.
   */
  static Instant leftCustomer(JsonNode history) {
    record Change(Instant at, boolean customer) {}
    List<Change> changes = new ArrayList<>();
    for (JsonNode h : history) {
      Instant at = HubspotMapper.instant(h.path("timestamp").asText(null));
      if (at != null) {
        String v = h.path("value").asText("").toLowerCase(Locale.ROOT);
        changes.add(new Change(at, HubspotMapper.CUSTOMER_STAGES.contains(v)));
      }
    }
    changes.sort((a, b) -> b.at().compareTo(a.at())); // newest first
    Instant left = null;
    for (Change c : changes) {
      if (c.customer()) {
        return left;
      }
      left = c.at();
    }
    return left;
  }
}
