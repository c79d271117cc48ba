package io.cxexporter.connector.intercom;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.model.Cursor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Back-office and Tracker tickets ({@code tickets: true}) from {@code POST /tickets/search}, in the
 * same closed {@code updated_at} slices as the conversations ({@link SearchSlice}), narrowed to
 * {@code category IN [task, tracker]} (Intercom's search terms for Back-office and Tracker).
 * Customer tickets are left out: Intercom keeps them as conversations, which the conversation
 * stream reads with their statistics, and reading them here too would count them twice.
 *
 * <p>A workspace without tickets (the API answers {@code 404} or {@code 403} for the endpoint)
 * reads as no tickets: the pass ends caught up, nothing is stored, the answer is reported once per
 * pass as a failed lookup ({@code cx_connector_errors_total{stream="lookup/tickets"}}) and the
 * source is never marked unauthorized for it.
 */
final class TicketsStream implements Stream {
  static final String NAME = "tickets";
  static final String ENDPOINT = "tickets/search";

  private final PagedStream pages;
  private final RequestListener lookups;

  TicketsStream(
      ApiClient api,
      HttpUrl base,
      Directory directory,
      Clock clock,
      IntercomOptions o,
      RequestListener lookups) {
    this.lookups = lookups;
    ObjectNode category = JsonNodeFactory.instance.objectNode();
    category.put("field", "category").put("operator", "IN");
    category.putArray("value").add("task").add("tracker");
    SearchSlice slice =
        new SearchSlice(
            base, ENDPOINT, o.apiVersion(), o.perPage(), o.overlap(), clock, List.of(category));
    this.pages =
        PagedStream.builder(NAME, api, ENDPOINT, clock)
            .first(slice::first)
            .items("/tickets")
            .paginator(slice)
            .watermark("updated", Duration.ZERO)
            .backfill(o.common().backfill())
            .progress(false)
            .time(IntercomMapper::updated)
            .mapper(t -> IntercomMapper.ticket(t, directory::team, directory::admin))
            .build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    try {
      Page p = SearchSlice.readOrRestart(pages, from, "updated");
      lookups.onLookupRecovered(NAME);
      return p;
    } catch (ConnectorException e) {
      if (e.kind() != ConnectorException.Kind.FEATURE_UNAVAILABLE) {
        throw e;
      }
      lookups.onLookupFailed(NAME, "feature_unavailable", e.getMessage());
      return new Page(List.of(), from, true, 1.0, List.of());
    }
  }

  @Override
  public String toString() {
    return NAME + " (" + ENDPOINT + ")";
  }
}
