package io.cxexporter.connector;

import java.util.Objects;

/**
 * A record of a page that could not be mapped to the model: the page is still applied without it,
 * and the sync loop counts it in {@code cx_connector_errors_total{kind="mapping"}} and logs its id.
 *
 * @param id the vendor's id of the record, or {@code ?} when it has none
 * @param reason why it could not be read, e.g. {@code bad time "yesterday"}; never a credential
 */
public record Rejected(String id, String reason) {
  public Rejected {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reason, "reason");
  }
}
